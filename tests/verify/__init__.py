"""Tests of authflow.verify."""
