"""What the tests share and are not tests themselves: the reading of the source document,
the stores and servers under test, deliberately broken SOPs, strategies over saves, the
SCXML engines and the browser's driving. Test modules import these, never each other
(tests/test_layout.py)."""
