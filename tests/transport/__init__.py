"""Tests of authflow.transport."""
