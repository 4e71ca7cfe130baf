"""An offline, behaviour-faithful fake of Google Sheets API v4, a bit of Drive v3 and of
Forms v1 (forms.get, forms.batchUpdate updateItem).

It speaks HTTP through a ``requests`` transport adapter, so the real gspread
client (``gspread.Client(None, fake.session())``) and any code built on a
``requests.Session`` run unchanged against it::

    from tests.fakesheets import FakeGoogle

    fake = FakeGoogle()
    sid = fake.add_spreadsheet(tabs={"Trạng thái": [["a", 1]]})
    client = gspread.Client(None, fake.session())
    client.open_by_key(sid).worksheet("Trạng thái").get_all_values()

Modules: ``a1`` (A1 notation), ``numfmt`` (number/date formats),
``cells`` (cell values and rendering), ``model`` (spreadsheets, tabs,
grids), ``values_api`` / ``batch_update`` / ``metadata`` (the Sheets
endpoints), ``drive`` (Drive v3 files), ``forms`` (Forms v1, validated against
``forms.v1.json``), ``discovery`` (request validation
against the discovery document), ``faults`` (injected failures),
``drive_query`` / ``multipart`` (Drive's ``q`` language and upload bodies),
``fieldmask`` (``fields`` masks), ``defaults`` (strict answers: what Google
leaves out), ``colors`` (8-bit colours and their ColorStyle twins), ``adapter`` (routing and HTTP), ``fake``
(the facade), ``fixtures`` (pytest fixtures: ``fake_google`` fails a test
whose code sent a request the real API would reject).

README.md lists what the fake copies from Google and the differences it keeps
on purpose. Anything deliberately not modelled raises ``FakeNotImplemented`` out of the
transport instead of inventing an answer.
"""

from .cells import Cell
from .drive import DriveFile
from .errors import ApiError, FakeNotImplemented, InvalidRequestError
from .fake import FakeGoogle, InvalidRequest, RecordedRequest
from .faults import Fault

__all__ = [
    "ApiError",
    "Cell",
    "DriveFile",
    "FakeGoogle",
    "FakeNotImplemented",
    "Fault",
    "InvalidRequest",
    "InvalidRequestError",
    "RecordedRequest",
]
