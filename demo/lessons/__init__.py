"""The demo courses added for a complete starter programme, one module per course (the first six are in
demo.curriculum)."""
