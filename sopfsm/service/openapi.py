"""The OpenAPI 3.1 description the service serves: ``openapi.json`` (package data), with
its lists of SOP ids and outcome codes taken from the catalogue this process serves."""

from __future__ import annotations

import json
from importlib import resources

from sopfsm.catalogue import all_sop_ids
from sopfsm.service.stored_calls import CALL_OUTCOMES


def description() -> bytes:
    """openapi.json, its lists of SOP ids and outcome codes taken from the catalogue this
    process serves, so that the description never names a SOP it does not have."""
    doc = json.loads(resources.files("sopfsm.service").joinpath("openapi.json").read_bytes())
    sops, outcomes = list(all_sop_ids()), list(CALL_OUTCOMES)
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    for parameter in (
        *paths["/v1/sops/{sop}"]["get"]["parameters"],
        *paths["/v1/sops/{sop}/diagram.svg"]["get"]["parameters"],
        *paths["/v1/calls"]["get"]["parameters"],
    ):
        if parameter["name"] == "sop":
            parameter["schema"]["enum"] = sops
        if parameter["name"] == "outcome":
            parameter["schema"]["enum"] = outcomes
    schemas["StartCall"]["properties"]["sop"]["enum"] = sops
    schemas["Outcome"]["properties"]["code"]["enum"] = outcomes
    schemas["Sop"]["properties"]["outcomes"]["items"]["enum"] = outcomes
    return json.dumps(doc, ensure_ascii=False).encode()
