//! Durable session journals on disk: append with fsync, replay, locking, recovery from torn files.
