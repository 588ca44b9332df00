"""Read Terraform plans (``terraform show -json``) and state files (versions 3 and 4).

A plan's ``planned_values`` hold each resource's attributes as they will be after apply,
without the values AWS gives only then (ids, addresses): those links are rebuilt from the
``configuration`` expressions' ``references`` (``aws_nat_gateway.a[0].id`` → that
resource), through module calls (``var.vpc_id`` → the caller's expression). A state file
holds every value, ids included. Version 3 (Terraformer writes it, one file per service)
keeps attributes as a flat map (``tags.Name``, ``route.1234.cidr_block``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from netdraft.files import MAX_JSON_BYTES, read_bytes
from netdraft.importer.aws_json import REGION, DumpError, Inventory, check_region
from netdraft.importer.iac import Resource, to_inventory
from netdraft.importer.terminals import quoted

Json = Mapping[str, Any]

#: A reference to a managed resource: type, name, optional index, then an attribute.
_REFERENCE = re.compile(r"(aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[([^\]]*)\])?")
_INDEX = re.compile(r"\[([^\]]*)\]$")
_SUFFIXES = (".json", ".tfstate", ".tfplan.json")


def read(path: str | Path, default_region: str | None = None) -> Inventory:
    """Read a plan or state file, or a folder of them, into an inventory.

    Raises:
        DumpError: nothing readable, or a file that is not Terraform's JSON.
    """
    check_region(default_region)
    root = Path(path)
    if root.is_dir():
        files = sorted(
            p for p in root.rglob("*") if p.is_file() and p.name.endswith((".json", ".tfstate"))
        )
        if not files:
            raise DumpError(f"{quoted(str(root))}: no .json or .tfstate file in the folder")
    elif root.is_file():
        files = [root]
    else:
        raise DumpError(f"{quoted(str(root))}: no such file or folder")
    reader = _Reader()
    for file in files:
        name = file.relative_to(root).as_posix() if root.is_dir() else file.name
        try:
            reader.file(name, _load(file))
        except RecursionError as exc:
            raise DumpError(f"{quoted(name)}: nested too deeply") from exc
    region = default_region or reader.region or _zone_region(reader.resources)
    if region is None:
        region = "us-east-1"
        if not all(r.region for r in reader.resources):
            reader.warnings.append(
                f"{root.name}: the region is unknown (no --region, no resource region, no"
                f" provider region in the configuration, no subnet zone or ARN): assumed {region}"
            )
    what = "plan" if reader.plans else "state"
    title = f"Terraform {what} {root.name}"
    inventory = to_inventory(reader.resources, reader.resolve, region, root.name, title)
    inventory.warnings[:0] = reader.warnings
    return inventory


def _load(file: Path) -> Json:
    try:
        data = json.loads(read_bytes(file, MAX_JSON_BYTES).decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError) as exc:
        raise DumpError(f"{quoted(str(file))}: not a JSON file ({exc})") from exc
    if not isinstance(data, dict):
        raise DumpError(f"{quoted(str(file))}: not a JSON object")
    return data


def _zone_region(resources: Sequence[Resource]) -> str | None:
    """The region of a subnet's zone, else of an EC2 ARN (a state has them: a VPC's, a
    gateway's), the first in alphabetical order when they differ."""
    for r in resources:
        zone = r.values.get("availability_zone")
        if isinstance(zone, str) and (m := REGION.match(zone)):
            return m.group(0)
    arns = set()
    for r in resources:
        parts = str(r.values.get("arn") or "").split(":")
        if (
            len(parts) > 3
            and parts[0] == "arn"
            and parts[2] == "ec2"
            and REGION.fullmatch(parts[3])
        ):
            arns.add(parts[3])
    return min(arns) if arns else None


def _obj(value: object) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _index_text(index: object) -> str | None:
    if index is None:
        return None
    if isinstance(index, bool):
        return str(index).lower()
    return str(index)


def _strip_indexes(module: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", module)


def _parent_module(instance: str) -> str:
    """The path of the module that calls a module instance (``""`` for the root)."""
    at = instance.rfind("module.")
    return instance[:at].rstrip(".") if at > 0 else ""


class _Reader:
    def __init__(self) -> None:
        self.resources: list[Resource] = []
        self.warnings: list[str] = []
        self.plans = 0
        self.region: str | None = None
        #: (module path without indexes, "type.name") -> the resource's configuration
        self.config: dict[tuple[str, str], Json] = {}
        #: module path without indexes -> (its caller's path, the call's expressions)
        self.calls: dict[str, tuple[str, Json]] = {}
        #: (module path, output name) -> the output expression's references
        self.outputs: dict[tuple[str, str], list[Any]] = {}
        self.by_module: dict[tuple[str, str, str], list[Resource]] = {}
        #: A plan's provider configurations (``aws.west``) -> the region each names.
        self.provider_regions: dict[str, str] = {}
        #: (module path without indexes, "type.name") -> its provider configuration's key
        self.provider_of: dict[tuple[str, str], str] = {}

    def file(self, name: str, data: Json) -> None:
        if "planned_values" in data or "configuration" in data:
            self.plan(name, data)
        elif data.get("version") == 4 or (data.get("version") is None and "resources" in data):
            self.state4(name, data)
        elif data.get("version") == 3 or "modules" in data:
            self.state3(name, data)
        elif "values" in data:  # terraform show -json of a state
            self.module(_obj(_obj(data.get("values")).get("root_module")))
        else:
            self.warnings.append(f"{name}: not a Terraform plan or state file: not read")

    def add(self, r: Resource) -> None:
        if r.type.startswith("aws_"):
            self.resources.append(r)
            self.by_module.setdefault((_strip_indexes(r.module), r.type, r.name), []).append(r)

    # ---- plans ---------------------------------------------------------------------------

    def plan(self, name: str, data: Json) -> None:
        self.plans += 1
        config = _obj(data.get("configuration"))
        region = (
            _obj(
                _obj(_obj(_obj(config.get("provider_config")).get("aws")).get("expressions")).get(
                    "region"
                )
            )
        ).get("constant_value")
        if isinstance(region, str) and REGION.fullmatch(region):
            self.region = self.region or region
        for key, provider in _obj(config.get("provider_config")).items():
            named = _obj(_obj(_obj(provider).get("expressions")).get("region")).get(
                "constant_value"
            )
            if isinstance(named, str) and REGION.fullmatch(named):
                self.provider_regions[str(key)] = named
        self.configuration(_obj(config.get("root_module")), "")
        deleted = {
            c["address"]
            for c in _list(data.get("resource_changes"))
            if isinstance(c, dict)
            and isinstance(c.get("address"), str)
            and _obj(c.get("change")).get("actions") == ["delete"]
        }
        planned = _obj(data.get("planned_values"))
        self.module(_obj(planned.get("root_module")), deleted)

    def configuration(self, module: Json, path: str) -> None:
        for res in _list(module.get("resources")):
            if isinstance(res, dict) and res.get("mode", "managed") == "managed":
                self.config[(path, f"{res.get('type')}.{res.get('name')}")] = _obj(
                    res.get("expressions")
                )
                if isinstance(res.get("provider_config_key"), str):
                    key = res["provider_config_key"].rsplit(":", 1)[-1]
                    self.provider_of[(path, f"{res.get('type')}.{res.get('name')}")] = key
        for call, body in _obj(module.get("module_calls")).items():
            child = f"{path}.module.{call}" if path else f"module.{call}"
            self.calls[child] = (path, _obj(_obj(body).get("expressions")))
            outputs = _obj(_obj(_obj(body).get("module")).get("outputs"))
            for output, spec in outputs.items():
                self.outputs[(child, output)] = _list(
                    _obj(_obj(spec).get("expression")).get("references")
                )
            self.configuration(_obj(_obj(body).get("module")), child)

    def module(self, module: Json, deleted: set[str] | None = None) -> None:
        for res in _list(module.get("resources")):
            if not isinstance(res, dict) or res.get("mode", "managed") != "managed":
                continue
            address = res.get("address")
            if not isinstance(address, str) or (deleted and address in deleted):
                continue
            rtype, rname = str(res.get("type") or ""), str(res.get("name") or "")
            mod = address.rsplit(f"{rtype}.{rname}", 1)[0].rstrip(".")
            values = _obj(res.get("values"))
            ident = values.get("id") if isinstance(values.get("id"), str) else None
            provider = self.provider_of.get((_strip_indexes(mod), f"{rtype}.{rname}"), "")
            region = _region(values)
            if region is None and "." in provider:  # an aliased provider: its own region
                region = self.provider_regions.get(provider)
            self.add(
                Resource(
                    address,
                    rtype,
                    rname,
                    mod,
                    _index_text(res.get("index")),
                    values,
                    ident,
                    region,
                    provider,
                )
            )
        for child in _list(module.get("child_modules")):
            self.module(_obj(child), deleted)

    # ---- state files ---------------------------------------------------------------------

    def state4(self, name: str, data: Json) -> None:
        for res in _list(data.get("resources")):
            if not isinstance(res, dict) or res.get("mode", "managed") != "managed":
                continue
            rtype, rname = str(res.get("type") or ""), str(res.get("name") or "")
            mod = str(res.get("module") or "")
            for inst in _list(res.get("instances")):
                inst = _obj(inst)
                values = _obj(inst.get("attributes"))
                index = _index_text(inst.get("index_key"))
                suffix = (
                    "" if index is None else f"[{index}]" if index.isdigit() else f'["{index}"]'
                )
                address = f"{mod + '.' if mod else ''}{rtype}.{rname}{suffix}"
                ident = values.get("id") if isinstance(values.get("id"), str) else None
                region = _region(values) or _region(_obj(inst.get("identity")))
                provider = str(res.get("provider") or "")
                self.add(
                    Resource(address, rtype, rname, mod, index, values, ident, region, provider)
                )

    def state3(self, name: str, data: Json) -> None:
        for module in _list(data.get("modules")):
            module = _obj(module)
            path = [str(p) for p in _list(module.get("path")) if p != "root"]
            mod = ".".join(f"module.{p}" for p in path)
            for key, res in sorted(_obj(module.get("resources")).items()):
                res = _obj(res)
                parts = str(key).split(".")
                if parts[0] == "data" or len(parts) < 2:
                    continue
                rtype, rname = parts[0], parts[1]
                index = parts[2] if len(parts) > 2 else None
                primary = _obj(res.get("primary"))
                values = unflatten(_obj(primary.get("attributes")))
                ident = primary.get("id") if isinstance(primary.get("id"), str) else None
                suffix = f"[{index}]" if index is not None else ""
                address = f"{mod + '.' if mod else ''}{rtype}.{rname}{suffix}"
                self.add(
                    Resource(address, rtype, rname, mod, index, values, ident, _region(values))
                )

    # ---- references ----------------------------------------------------------------------

    def resolve(self, r: Resource, attr: str) -> list[Resource]:
        """The resources an unknown attribute of a planned resource refers to."""
        module = _strip_indexes(r.module)
        expression = _nested(self.config.get((module, f"{r.type}.{r.name}"), {}), attr)
        # Each reference names its own resources (``[aws_subnet.a.id, aws_subnet.b.id]``).
        references = _list(expression.get("references"))
        # ``element(aws_subnet.a[*].id, count.index)`` means the instance of the referrer's
        # index; ``aws_subnet.a[*].id`` without one means them all (``subnet_ids``).
        per_index = any(
            isinstance(x, str) and (x == "count.index" or x.startswith("each.")) for x in references
        )
        index = r.index if per_index else None
        found: list[Resource] = []
        for ref in references:
            found += [x for x in self.follow(module, [ref], index, 0, r.module) if x not in found]
        if found or attr != "vpc_id":
            return found
        # A module reads its VPC through a local (not in the plan): its only VPC is meant,
        # the one of its own instance (``module.vpc["prod"]``) when there are several.
        vpcs = [x for x in self.resources if x.type == "aws_vpc" and x.module == r.module] or [
            x for x in self.resources if x.type == "aws_vpc" and _strip_indexes(x.module) == module
        ]
        # ``module.vpc["prod"].vpc_id``, an output the plan cannot follow (a local): the VPC
        # of that module instance.
        called = {
            f"{r.module + '.' if r.module else ''}module.{ref.split('.')[1]}"
            for ref in references
            if isinstance(ref, str) and ref.startswith("module.") and ref.count(".") >= 2
        }
        vpcs = vpcs or [
            x
            for x in self.resources
            if x.type == "aws_vpc" and (x.module in called or _strip_indexes(x.module) in called)
        ]
        vpcs = vpcs or [x for x in self.resources if x.type == "aws_vpc"]
        return vpcs if len(vpcs) == 1 else []

    def follow(
        self,
        module: str,
        references: list[Any],
        index: str | None,
        depth: int,
        instance: str | None = None,
    ) -> list[Resource]:
        """The resources references made in ``module`` (a path without indexes) name;
        ``instance`` is the module's instance path (``module.vpc["prod"]``) when known: of
        a module called with ``for_each`` or ``count``, the referrer's own instance's."""
        for ref in references:
            if not isinstance(ref, str) or depth > 20:
                continue
            if ref.startswith("var."):
                caller = self.calls.get(module)
                if caller is None:
                    continue
                expression = _obj(caller[1].get(ref.split(".")[1]))
                found = self.follow(
                    caller[0],
                    _list(expression.get("references")),
                    index,
                    depth + 1,
                    None if instance is None else _parent_module(instance),
                )
                if found:
                    return found
                continue
            if ref.startswith("module."):
                parts = ref.split(".")
                if len(parts) < 3:
                    continue
                output = re.sub(r"\[.*", "", parts[2])
                call = _strip_indexes(parts[1])
                child = f"{module}.module.{call}" if module else f"module.{call}"
                child_instance = (
                    None
                    if instance is None or "[" not in parts[1]
                    else f"{instance}.module.{parts[1]}"
                    if instance
                    else f"module.{parts[1]}"
                )
                found = self.follow(
                    child, self.outputs.get((child, output), []), None, depth + 1, child_instance
                )
                if (m := _INDEX.search(parts[2])) is not None and m.group(1).isdigit():
                    found = found[int(m.group(1)) : int(m.group(1)) + 1]
                if found:
                    return found
                continue
            m = _REFERENCE.match(ref)
            if m is None:
                continue
            instances = self.by_module.get((module, m.group(1), m.group(2)), [])
            if instance is not None:
                instances = [x for x in instances if x.module == instance] or instances
            if not instances:
                continue
            wanted = m.group(3)
            if wanted is not None:
                wanted = wanted.strip('"')
                hit = [x for x in instances if x.index == wanted]
                if hit:
                    return hit
                continue
            if len(instances) == 1:
                return instances
            same = [x for x in instances if x.index == index]
            return same or instances
        return []


def _nested(expressions: Json, attr: str) -> Json:
    """The expression of an attribute, or of one in a nested block: ``default_action.0.
    target_group_arn`` is the first ``default_action {}`` block's (a plan's configuration
    lists a block's expressions as a list of objects, one per block)."""
    node: Any = expressions
    for part in attr.split("."):
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        else:
            node = _obj(node).get(part)
    return _obj(node)


def _region(values: Json) -> str | None:
    region = values.get("region")
    return region if isinstance(region, str) and REGION.fullmatch(region) else None


def unflatten(flat: Json) -> dict[str, Any]:
    """Terraform 0.11's flat attribute map (``tags.%``, ``route.#``, ``route.123.cidr_block``)
    as the nested values of later versions."""
    return _object(flat, "")


def _object(flat: Json, prefix: str) -> dict[str, Any]:
    names = sorted({k[len(prefix) :].split(".", 1)[0] for k in flat if k.startswith(prefix)})
    return {n: _value(flat, f"{prefix}{n}") for n in names if n not in ("#", "%")}


def _value(flat: Json, key: str) -> Any:
    if f"{key}.#" in flat:
        prefix = f"{key}."
        seen = sorted(
            {k[len(prefix) :].split(".", 1)[0] for k in flat if k.startswith(prefix)} - {"#"},
            key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else 0, s),
        )
        return [
            flat[f"{prefix}{s}"] if f"{prefix}{s}" in flat else _object(flat, f"{prefix}{s}.")
            for s in seen
        ]
    if f"{key}.%" in flat:
        prefix = f"{key}."
        return {
            k[len(prefix) :]: v for k, v in flat.items() if k.startswith(prefix) and k != f"{key}.%"
        }
    value = flat.get(key)
    if value is None and any(k.startswith(f"{key}.") for k in flat):
        return _object(flat, f"{key}.")
    if value in ("true", "false"):
        return value == "true"
    return value
