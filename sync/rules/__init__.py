"""The rules: pure functions from the sheet's values and ``now`` to statuses and the cells to write.

No I/O here: backends read and write, ``sync.cycle`` wires one cycle together.
"""
