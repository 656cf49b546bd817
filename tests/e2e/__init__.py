"""authflow's engine against the emulator over real HTTP (sign-in, sessions, account, transport)."""
