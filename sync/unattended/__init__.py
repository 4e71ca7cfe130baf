"""Running unattended: the lock, one guarded job per cycle (``job``), the long-running scheduler,
snapshots, the reminder ledger and mailer."""
