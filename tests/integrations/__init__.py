"""Tests of authflow.integrations."""
