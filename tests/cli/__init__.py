"""The authflow command line."""
