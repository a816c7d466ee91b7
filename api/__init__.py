"""Inbound adapter: HTTP. Same rules as handlers/: parse, call a service, render."""
