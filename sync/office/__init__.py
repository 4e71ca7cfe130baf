"""A new office made from nothing (``tonghop init``): its roster file read, its control
spreadsheet built (local workbook or Google), its config written. The layout is the pure
``sync.rules.office``; the roster list's reading is ``sync.rules.roster_import``."""
