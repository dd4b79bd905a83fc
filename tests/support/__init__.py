"""Test support (not product code): real servers on 127.0.0.1 and the deploy fixture site."""
