"""SOPs as documents: SOP files authors write, and exports for call platforms.

Reading a SOP file (YAML, checked against ``schemas/sop.schema.json``) gives the same
:class:`~sopfsm.model.SopSpec` and strict machine as a SOP declared in Python; exporting
writes a SOP as a SOP file, as W3C SCXML, or as python-statemachine's JSON definition.
This package imports the core; the core reaches it only lazily, for a path to a file.
PyYAML and jsonschema are imported when a file is read or written, not here.
"""

from sopfsm.formats.export import EXPORTERS, export_files, export_sop
from sopfsm.formats.load import READERS, load_sop

__all__ = ["EXPORTERS", "READERS", "export_files", "export_sop", "load_sop"]
