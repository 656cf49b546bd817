"""Account: every self-service operation, on the wire and against the emulator."""
