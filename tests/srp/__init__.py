"""Tests of authflow.srp."""
