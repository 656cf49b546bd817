"""Tests of authflow.protocol."""
