"""Read CloudFormation templates (JSON or YAML with short-form tags; ``cdk synth`` output too).

The template is evaluated as CloudFormation would evaluate it for one stack: parameters
(given, else their ``Default``; one with neither is an error naming it), pseudo parameters
(``AWS::Region`` from ``--region``), ``Mappings``, ``Conditions`` (a resource whose
condition is false is not created), ``AWS::NoValue`` and the intrinsic functions. A
``Ref`` to a resource is its logical id, which the converter turns into the resource; the
network resources are then renamed to Terraform's attribute names (``VpcId`` → ``vpc_id``)
for :mod:`netdraft.importer.iac`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from netdraft.files import MAX_JSON_BYTES, read_bytes
from netdraft.importer.aws_json import REGION, DumpError, Inventory, check_region
from netdraft.importer.iac import Resource, to_inventory
from netdraft.importer.terminals import quoted

Json = Mapping[str, Any]

#: What a value is when CloudFormation knows it only once the stack exists.
_UNKNOWN = object()
_NO_VALUE = object()
_MAX_DEPTH = 50

#: The functions a short-form tag names (``!Ref`` is ``Ref``, ``!Sub`` is ``Fn::Sub``…).
_TAGS = [
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "Condition",
    "Length",
    "ToJsonString",
]


def _loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        """YAML with CloudFormation's short-form tags, each read as its long form."""

    def construct(tag: str) -> Any:
        def build(loader: Any, node: Any) -> Any:
            if isinstance(node, yaml.ScalarNode):
                value: Any = loader.construct_scalar(node)
                if tag == "GetAtt" and isinstance(value, str):
                    value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            key = "Ref" if tag == "Ref" else "Condition" if tag == "Condition" else f"Fn::{tag}"
            return {key: value}

        return build

    for tag in (*_TAGS, "Ref"):
        Loader.add_constructor(f"!{tag}", construct(tag))
    return Loader


def load(file: Path) -> Json:
    try:
        text = read_bytes(file, MAX_JSON_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DumpError(f"{quoted(str(file))}: cannot be read ({exc})") from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        import yaml

        try:
            data = yaml.load(text, Loader=_loader())
        except yaml.YAMLError as exc:
            raise DumpError(f"{quoted(str(file))}: neither JSON nor YAML ({exc})") from exc
        except (ValueError, TypeError, RecursionError) as exc:
            raise DumpError(f"{quoted(str(file))}: not a template ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise DumpError(f"{quoted(str(file))}: not a CloudFormation template (no 'Resources')")
    return data


def read(
    path: str | Path, parameters: Mapping[str, str] | None = None, region: str | None = None
) -> Inventory:
    """Evaluate a template and read its network resources into an inventory.

    Raises:
        DumpError: the file cannot be read, or a parameter has neither a value nor a default.
    """
    check_region(region)
    file = Path(path)
    if not file.is_file():
        raise DumpError(f"{quoted(str(file))}: no such file")
    try:
        template = load(file)
        stack = _Stack(template, dict(parameters or {}), region or "us-east-1", file.name)
        resources = stack.resources()
    except RecursionError as exc:
        raise DumpError(f"{quoted(str(file))}: nested too deeply") from exc
    title = f"CloudFormation template {file.name}"
    inventory = to_inventory(resources, None, stack.region, file.name, title)
    inventory.warnings[:0] = stack.warnings
    return inventory


class _Stack:
    def __init__(self, template: Json, given: dict[str, str], region: str, name: str) -> None:
        self.template = template
        self.region = region
        self.warnings: list[str] = []
        self.resources_ = _obj(template.get("Resources"))
        self.mappings = _obj(template.get("Mappings"))
        self.params: dict[str, Any] = {
            "AWS::Region": region,
            "AWS::AccountId": "123456789012",
            "AWS::StackName": Path(name).stem,
            "AWS::StackId": f"arn:aws:cloudformation:{region}:123456789012:stack/{Path(name).stem}",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": _NO_VALUE,
        }
        declared = _obj(template.get("Parameters"))
        for key in given:
            if key not in declared:
                raise DumpError(f"parameter {quoted(key)} is not a parameter of the template")
        for key, spec in declared.items():
            spec = _obj(spec)
            value = given.get(key, spec.get("Default"))
            if value is None:
                raise DumpError(
                    f"parameter {quoted(str(key))} has no value and no default: give it with --parameter {key}=VALUE"
                )
            kind = str(spec.get("Type") or "String")
            if kind.startswith("List<") or kind == "CommaDelimitedList":
                value = (
                    [v.strip() for v in str(value).split(",")] if isinstance(value, str) else value
                )
            elif not isinstance(value, str):
                value = str(value).lower() if isinstance(value, bool) else str(value)
            self.params[str(key)] = value
        self.condition_specs = _obj(template.get("Conditions"))
        self.conditions: dict[str, bool] = {}

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # ---- evaluation ----------------------------------------------------------------------

    def condition(self, name: object, depth: int = 0) -> bool:
        key = str(name)
        if key not in self.conditions:
            if key not in self.condition_specs or depth > _MAX_DEPTH:
                self.warn(f"condition {quoted(key)} is not defined: taken as false")
                self.conditions[key] = False
            else:
                self.conditions[key] = False  # a cycle reads false
                self.conditions[key] = self.value(self.condition_specs[key], depth + 1) is True
        return self.conditions[key]

    def value(self, node: Any, depth: int = 0) -> Any:
        """The value of a template node, ``_UNKNOWN`` where only the stack knows it."""
        if depth > _MAX_DEPTH:
            return _UNKNOWN
        if isinstance(node, list):
            items = [self.value(v, depth + 1) for v in node]
            return [v for v in items if v is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((fn, arg),) = node.items()
            if fn == "Ref" or fn.startswith("Fn::") or fn == "Condition":
                return self.function(str(fn), arg, depth + 1)
        found = {str(k): self.value(v, depth + 1) for k, v in node.items()}
        return {k: v for k, v in found.items() if v is not _NO_VALUE}

    def function(self, fn: str, arg: Any, depth: int) -> Any:
        if fn == "Ref":
            name = self.value(arg, depth)
            if isinstance(name, str) and name in self.params:
                return self.params[name]
            if isinstance(name, str) and name in self.resources_:
                return name  # the resource's id: its logical id stands for it
            return _UNKNOWN
        if fn == "Condition":
            return self.condition(arg, depth)
        args = self.value(arg, depth) if fn not in ("Fn::If", "Fn::Sub") else arg
        if fn == "Fn::GetAtt":
            return self.attribute(args)
        if fn == "Fn::GetAZs":
            region = args if isinstance(args, str) and REGION.fullmatch(args) else self.region
            self.warn(
                f"Fn::GetAZs: the zones of {region} are taken as {region}a, {region}b, {region}c (CloudFormation lists the account's zones)"
            )
            return [f"{region}{z}" for z in "abc"]
        if fn == "Fn::If":
            items = arg if isinstance(arg, list) and len(arg) == 3 else None
            if items is None:
                return _UNKNOWN
            return self.value(items[1] if self.condition(items[0], depth) else items[2], depth)
        if fn == "Fn::Sub":
            return self.sub(arg, depth)
        if _UNKNOWN in (args if isinstance(args, list) else [args]):
            return _UNKNOWN
        return _FUNCTIONS.get(fn, _unknown_function)(self, args)

    def attribute(self, args: Any) -> Any:
        if not (
            isinstance(args, list) and len(args) == 2 and all(isinstance(a, str) for a in args)
        ):
            return _UNKNOWN
        name, attr = args
        spec = _obj(_obj(self.resources_.get(name)).get("Properties"))
        if attr in ("AllocationId", "GroupId", "Id", "VpcId", "TransitGatewayId") or (
            attr.endswith(("Id", "Arn")) and attr not in ("DefaultSecurityGroup",)
        ):
            return name
        if attr == "CidrBlock" and "CidrBlock" in spec:
            return self.value(spec["CidrBlock"])
        if attr == "CidrBlockAssociations":
            return _UNKNOWN
        if attr in ("PrivateIp", "PrimaryPrivateIpAddress") and "PrivateIpAddress" in spec:
            return self.value(spec["PrivateIpAddress"])
        if attr == "DnsEntries":
            # An endpoint's "ZONE:NAME" entries: both stand for the endpoint, as a Ref does,
            # so that an alias record built from them names it.
            return [f"{name}:{name}"]
        return _UNKNOWN

    def sub(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            text, extra = arg[0], {str(k): self.value(v, depth) for k, v in _obj(arg[1]).items()}
        elif isinstance(arg, str):
            text, extra = arg, {}
        else:
            return _UNKNOWN
        unknown = False

        def replace(m: re.Match[str]) -> str:
            nonlocal unknown
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in extra:
                found = extra[name]
            elif "." in name and name.split(".", 1)[0] in self.resources_:
                found = self.attribute(name.split(".", 1))
            else:
                found = self.function("Ref", name, depth)
            if not isinstance(found, str):
                unknown = True
                return ""
            return found

        result = re.sub(r"\$\{([^}]*)\}", replace, text)
        return _UNKNOWN if unknown else result

    # ---- resources -----------------------------------------------------------------------

    def resources(self) -> list[Resource]:
        found: list[Resource] = []
        skipped: dict[str, list[str]] = {}
        for name, spec in sorted(self.resources_.items()):
            spec = _obj(spec)
            kind = str(spec.get("Type") or "")
            if "Condition" in spec and not self.condition(spec["Condition"]):
                continue
            props = self.value(_obj(spec.get("Properties")))
            props = props if isinstance(props, dict) else {}
            mapped = _MAPPING.get(kind)
            if mapped is None:
                if kind.startswith(_NETWORK_KINDS) or not kind.startswith("AWS::"):
                    skipped.setdefault(kind or "?", []).append(str(name))
                continue
            for tf_type, values in mapped(props):
                if not isinstance(values, dict):
                    continue
                found.append(
                    Resource(str(name), tf_type, str(name), values=values, real_id=str(name))
                )
        for kind, names in sorted(skipped.items()):
            self.warn(
                f"{len(names)} {kind} resource{'s' * (len(names) > 1)} not read: {', '.join(names[:5])}"
            )
        return found


#: The namespaces of network resources: one of them the importer does not read is warned about.
_NETWORK_KINDS = (
    "AWS::EC2::",
    "AWS::ElasticLoadBalancingV2::",
    "AWS::Route53::",
    "AWS::Route53Resolver::",
    "AWS::DirectConnect::",
    "AWS::GlobalAccelerator::",
)


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _unknown_function(stack: _Stack, args: Any) -> Any:
    return _UNKNOWN


def _join(stack: _Stack, args: Any) -> Any:
    if (
        isinstance(args, list)
        and len(args) == 2
        and isinstance(args[1], list)
        and all(isinstance(x, str | int) for x in args[1])
    ):
        return str(args[0]).join(str(x) for x in args[1])
    return _UNKNOWN


def _select(stack: _Stack, args: Any) -> Any:
    if isinstance(args, list) and len(args) == 2 and isinstance(args[1], list):
        try:
            return args[1][int(args[0])]
        except (ValueError, IndexError, TypeError):
            return _UNKNOWN
    return _UNKNOWN


def _split(stack: _Stack, args: Any) -> Any:
    if (
        isinstance(args, list)
        and len(args) == 2
        and all(isinstance(a, str) for a in args)
        and args[0]
    ):
        return args[1].split(args[0])
    return _UNKNOWN


def _find_in_map(stack: _Stack, args: Any) -> Any:
    if isinstance(args, list) and len(args) == 3:
        found = _obj(_obj(stack.mappings.get(str(args[0]))).get(str(args[1]))).get(str(args[2]))
        return _UNKNOWN if found is None else stack.value(found)
    return _UNKNOWN


def _cidr(stack: _Stack, args: Any) -> Any:
    try:
        block, count, bits = args[0], int(args[1]), int(args[2])
        net = ip_network(str(block), strict=False)
        prefix = net.max_prefixlen - bits
        if prefix < net.prefixlen or count < 1 or count > 256:
            return _UNKNOWN
        out = []
        for sub in net.subnets(new_prefix=prefix):
            out.append(str(sub))
            if len(out) == count:
                break
        return out
    except (ValueError, TypeError, IndexError, KeyError):
        return _UNKNOWN


def _equals(stack: _Stack, args: Any) -> Any:
    return isinstance(args, list) and len(args) == 2 and str(args[0]) == str(args[1])


def _and(stack: _Stack, args: Any) -> Any:
    return isinstance(args, list) and all(a is True for a in args)


def _or(stack: _Stack, args: Any) -> Any:
    return isinstance(args, list) and any(a is True for a in args)


def _not(stack: _Stack, args: Any) -> Any:
    return isinstance(args, list) and len(args) == 1 and args[0] is not True


_FUNCTIONS: dict[str, Callable[[_Stack, Any], Any]] = {
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::Cidr": _cidr,
    "Fn::Equals": _equals,
    "Fn::And": _and,
    "Fn::Or": _or,
    "Fn::Not": _not,
    "Fn::Base64": lambda stack, args: args,
    "Fn::Length": lambda stack, args: len(args) if isinstance(args, list) else _UNKNOWN,
}


# ---- CloudFormation properties → Terraform attributes -----------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("Ipv6", "Ipv6").lower()


def _known(value: Any) -> Any:
    """A value with the unknown parts left out (``None`` for an unknown scalar)."""
    if value is _UNKNOWN or value is _NO_VALUE:
        return None
    if isinstance(value, list):
        return [_known(v) for v in value if v is not _UNKNOWN]
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items()}
    return value


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _tags(props: Mapping[str, Any]) -> dict[str, Any]:
    tags = props.get("Tags")
    found = {}
    for tag in tags if isinstance(tags, list) else []:
        if (
            isinstance(tag, dict)
            and isinstance(tag.get("Key"), str)
            and isinstance(tag.get("Value"), str)
        ):
            found[tag["Key"]] = tag["Value"]
    return found


def _renamed(renames: Mapping[str, str]) -> Any:
    def convert(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        values: dict[str, Any] = {"tags": _tags(props)}
        for key, value in props.items():
            if key == "Tags":
                continue
            name = renames.get(key, _snake(key))
            known = _known(value)
            values[name] = (
                _flag(known) if _flag(known) is not None and not isinstance(known, int) else known
            )
        return [(tf_type, values)]

    tf_type = renames["_type"]
    return convert


def _group_rules(rules: Any, egress: bool) -> list[dict[str, Any]]:
    found = []
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        rule = _known(rule)
        peer = rule.get("DestinationSecurityGroupId" if egress else "SourceSecurityGroupId")
        plist = rule.get("DestinationPrefixListId" if egress else "SourcePrefixListId")
        found.append(
            {
                "protocol": str(rule.get("IpProtocol", "-1")),
                "from_port": rule.get("FromPort"),
                "to_port": rule.get("ToPort"),
                "cidr_blocks": [rule["CidrIp"]] if rule.get("CidrIp") else [],
                "ipv6_cidr_blocks": [rule["CidrIpv6"]] if rule.get("CidrIpv6") else [],
                "security_groups": [peer] if isinstance(peer, str) else [],
                "prefix_list_ids": [plist] if isinstance(plist, str) else [],
            }
        )
    return found


def _security_group(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    egress = props.get("SecurityGroupEgress")
    values = {
        "name": _known(props.get("GroupName")),
        "vpc_id": _known(props.get("VpcId")),
        "tags": _tags(props),
        "ingress": _group_rules(props.get("SecurityGroupIngress"), False),
        # AWS gives a group allow-all egress unless the template writes egress rules.
        "egress": _group_rules(egress, True)
        if egress
        else [{"protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
        # ... and an AWS::EC2::SecurityGroupEgress of the group revokes that rule.
        "default_egress": not egress,
    }
    return [("aws_security_group", values)]


def _group_rule(egress: bool) -> Any:
    def convert(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        rule = _group_rules([props], egress)[0]
        values = {
            "type": "egress" if egress else "ingress",
            "security_group_id": _known(props.get("GroupId")),
            "source_security_group_id": (rule["security_groups"] or [None])[0],
            **{k: v for k, v in rule.items() if k != "security_groups"},
        }
        return [("aws_security_group_rule", values)]

    return convert


def _acl_entry(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    ports, icmp = _obj(p.get("PortRange")), _obj(p.get("Icmp"))
    values = {
        "network_acl_id": p.get("NetworkAclId"),
        "rule_number": p.get("RuleNumber"),
        "egress": _flag(p.get("Egress")) is True,
        "protocol": str(p.get("Protocol", "-1")),
        "rule_action": p.get("RuleAction"),
        "cidr_block": p.get("CidrBlock"),
        "ipv6_cidr_block": p.get("Ipv6CidrBlock"),
        "from_port": ports.get("From"),
        "to_port": ports.get("To"),
        "icmp_type": icmp.get("Type"),
        "icmp_code": icmp.get("Code"),
    }
    return [("aws_network_acl_rule", values)]


def _gateway_attachment(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    if p.get("VpnGatewayId"):
        return [
            (
                "aws_vpn_gateway_attachment",
                {"vpn_gateway_id": p["VpnGatewayId"], "vpc_id": p.get("VpcId")},
            )
        ]
    return [
        (
            "aws_internet_gateway_attachment",
            {"internet_gateway_id": p.get("InternetGatewayId"), "vpc_id": p.get("VpcId")},
        )
    ]


def _instance(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    listed = p.get("NetworkInterfaces")
    enis = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    primary = next(
        (e for e in enis if str(e.get("DeviceIndex", "0")) == "0"), enis[0] if enis else {}
    )
    values = {
        "tags": _tags(props),
        "subnet_id": p.get("SubnetId") or primary.get("SubnetId"),
        "private_ip": p.get("PrivateIpAddress") or primary.get("PrivateIpAddress"),
        "vpc_security_group_ids": p.get("SecurityGroupIds") or primary.get("GroupSet") or [],
        "source_dest_check": _flag(p.get("SourceDestCheck")) is not False,
    }
    public = _flag(primary.get("AssociatePublicIpAddress"))
    if public is not None:
        values["associate_public_ip_address"] = public
    if isinstance(primary.get("NetworkInterfaceId"), str):
        # An AWS::EC2::NetworkInterface as the primary interface: the instance is where it is.
        values["network_interface"] = [
            {"device_index": 0, "network_interface_id": primary["NetworkInterfaceId"]}
        ]
    return [("aws_instance", values)]


def _propagation(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    tables = p.get("RouteTableIds") if isinstance(p.get("RouteTableIds"), list) else []
    return [
        (
            "aws_vpn_gateway_route_propagation",
            {"vpn_gateway_id": p.get("VpnGatewayId"), "route_table_id": t},
        )
        for t in tables
    ]


def _peering(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    status = "pending-acceptance" if p.get("PeerOwnerId") else "active"
    return [
        (
            "aws_vpc_peering_connection",
            {
                "vpc_id": p.get("VpcId"),
                "peer_vpc_id": p.get("PeerVpcId"),
                "accept_status": status,
                "tags": _tags(props),
            },
        )
    ]


def _tgw(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    return [
        (
            "aws_ec2_transit_gateway",
            {
                "default_route_table_association": p.get("DefaultRouteTableAssociation", "enable"),
                "default_route_table_propagation": p.get("DefaultRouteTablePropagation", "enable"),
                "tags": _tags(props),
            },
        )
    ]


def _vpc(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A VPC, with CloudFormation's DNS defaults (support on, hostnames off) written out."""
    ((tf_type, values),) = _renamed({"_type": "aws_vpc"})(props)
    for attr, default in (("enable_dns_support", True), ("enable_dns_hostnames", False)):
        if not isinstance(values.get(attr), bool):
            values[attr] = default
    return [(tf_type, values)]


def _list_of(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _items(value: Any) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _load_balancer(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    attributes = {
        str(a.get("Key")): str(a.get("Value")).lower()
        for a in _items(p.get("LoadBalancerAttributes"))
    }
    values = {
        "tags": _tags(props),
        "name": p.get("Name"),
        "internal": p.get("Scheme") == "internal",
        "load_balancer_type": p.get("Type") or "application",
        "subnets": p.get("Subnets") or [],
        "subnet_mapping": [
            {"subnet_id": m.get("SubnetId"), "allocation_id": m.get("AllocationId")}
            for m in _items(p.get("SubnetMappings"))
        ],
        "security_groups": p.get("SecurityGroups") or [],
        "enable_cross_zone_load_balancing": attributes.get("load_balancing.cross_zone.enabled")
        == "true",
    }
    return [("aws_lb", values)]


def _listener(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    actions = []
    for a in _items(p.get("DefaultActions")):
        groups = _items(_obj(a.get("ForwardConfig")).get("TargetGroups"))
        actions.append(
            {
                "type": str(a.get("Type") or "").lower(),
                "target_group_arn": a.get("TargetGroupArn"),
                "forward": [{"target_group": [{"arn": g.get("TargetGroupArn")} for g in groups]}]
                if groups
                else [],
            }
        )
    values = {
        "load_balancer_arn": p.get("LoadBalancerArn"),
        "port": p.get("Port"),
        "protocol": p.get("Protocol"),
        "default_action": actions,
    }
    return [("aws_lb_listener", values)]


def _target_group(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    values = {
        "tags": _tags(props),
        "name": p.get("Name"),
        "vpc_id": p.get("VpcId"),
        "protocol": p.get("Protocol"),
        "port": p.get("Port"),
        "target_type": p.get("TargetType") or "instance",
        "targets": [
            {"target_id": t.get("Id"), "port": t.get("Port")} for t in _items(p.get("Targets"))
        ],
    }
    return [("aws_lb_target_group", values)]


def _hosted_zone(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    values = {
        "name": p.get("Name"),
        "vpc": [{"vpc_id": v.get("VPCId")} for v in _items(p.get("VPCs"))],
        "tags": {str(t.get("Key")): t.get("Value") for t in _items(p.get("HostedZoneTags"))},
    }
    return [("aws_route53_zone", values)]


def _record_set(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    alias = _obj(p.get("AliasTarget"))
    values = {
        "zone_id": p.get("HostedZoneId"),
        "zone_name": p.get("HostedZoneName"),
        "name": p.get("Name"),
        "type": p.get("Type"),
        "records": [r for r in _list_of(p.get("ResourceRecords")) if isinstance(r, str)],
        "alias": [{"name": alias.get("DNSName")}] if alias else [],
        "set_identifier": p.get("SetIdentifier"),
    }
    return [("aws_route53_record", values)]


def _record_set_group(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``AWS::Route53::RecordSetGroup``: its record sets, each in the group's zone."""
    p = _known(props)
    zone = {"HostedZoneId": p.get("HostedZoneId"), "HostedZoneName": p.get("HostedZoneName")}
    return [found for rs in _items(p.get("RecordSets")) for found in _record_set({**rs, **zone})]


def _resolver_endpoint(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    values = {
        "tags": _tags(props),
        "name": p.get("Name"),
        "direction": p.get("Direction"),
        "security_group_ids": p.get("SecurityGroupIds") or [],
        "ip_address": [
            {"subnet_id": a.get("SubnetId"), "ip": a.get("Ip")}
            for a in _items(p.get("IpAddresses"))
        ],
    }
    return [("aws_route53_resolver_endpoint", values)]


def _resolver_rule(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    values = {
        "tags": _tags(props),
        "name": p.get("Name"),
        "domain_name": p.get("DomainName"),
        "rule_type": p.get("RuleType"),
        "resolver_endpoint_id": p.get("ResolverEndpointId"),
        "target_ip": [
            {"ip": t.get("Ip"), "port": t.get("Port")} for t in _items(p.get("TargetIps"))
        ],
    }
    return [("aws_route53_resolver_rule", values)]


#: A flow log's ``ResourceType`` -> the Terraform attribute that names what it captures.
_FLOW_LOG_RESOURCES = {
    "VPC": "vpc_id",
    "Subnet": "subnet_id",
    "NetworkInterface": "eni_id",
    "TransitGateway": "transit_gateway_id",
    "TransitGatewayAttachment": "transit_gateway_attachment_id",
}


def _flow_log(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    attr = _FLOW_LOG_RESOURCES.get(str(p.get("ResourceType") or ""), "resource_id")
    values = {
        "tags": _tags(props),
        attr: p.get("ResourceId"),
        "log_destination_type": p.get("LogDestinationType") or "cloud-watch-logs",
        "traffic_type": p.get("TrafficType"),
    }
    return [("aws_flow_log", values)]


def _ipam_pool(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A pool, with its inline ``ProvisionedCidrs`` (Terraform provisions them with
    ``aws_vpc_ipam_pool_cidr``)."""
    p = _known(props)
    values = {
        "tags": _tags(props),
        "address_family": p.get("AddressFamily"),
        "provisioned_cidrs": [c.get("Cidr") for c in _items(p.get("ProvisionedCidrs"))],
    }
    return [("aws_vpc_ipam_pool", values)]


def _ga_listener(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    values = {
        "accelerator_arn": p.get("AcceleratorArn"),
        "protocol": p.get("Protocol"),
        "port_range": [
            {"from_port": r.get("FromPort"), "to_port": r.get("ToPort")}
            for r in _items(p.get("PortRanges"))
        ],
    }
    return [("aws_globalaccelerator_listener", values)]


def _ga_endpoint_group(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    p = _known(props)
    values = {
        "listener_arn": p.get("ListenerArn"),
        "endpoint_group_region": p.get("EndpointGroupRegion"),
        "traffic_dial_percentage": p.get("TrafficDialPercentage"),
        "endpoint_configuration": [
            {
                "endpoint_id": e.get("EndpointId"),
                "weight": e.get("Weight"),
                "client_ip_preservation_enabled": _flag(e.get("ClientIPPreservationEnabled")),
            }
            for e in _items(p.get("EndpointConfigurations"))
        ],
    }
    return [("aws_globalaccelerator_endpoint_group", values)]


def _dx(tf_type: str, renames: Mapping[str, str]) -> Any:
    """A Direct Connect resource: its properties renamed to the Terraform resource's."""

    def convert(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        p = _known(props)
        values: dict[str, Any] = {"tags": _tags(props)}
        values.update({attr: p.get(prop) for prop, attr in renames.items()})
        return [(tf_type, values)]

    return convert


_VIF = {
    "ConnectionId": "connection_id",
    "VirtualInterfaceName": "name",
    "DirectConnectGatewayId": "dx_gateway_id",
}

_MAPPING: dict[str, Any] = {
    "AWS::EC2::VPC": _vpc,
    "AWS::EC2::VPCCidrBlock": _renamed({"_type": "aws_vpc_ipv4_cidr_block_association"}),
    "AWS::EC2::Subnet": _renamed({"_type": "aws_subnet"}),
    "AWS::EC2::RouteTable": _renamed({"_type": "aws_route_table"}),
    "AWS::EC2::Route": _renamed(
        {"_type": "aws_route", "EgressOnlyInternetGatewayId": "egress_only_gateway_id"}
    ),
    "AWS::EC2::SubnetRouteTableAssociation": _renamed({"_type": "aws_route_table_association"}),
    "AWS::EC2::InternetGateway": _renamed({"_type": "aws_internet_gateway"}),
    "AWS::EC2::EgressOnlyInternetGateway": _renamed({"_type": "aws_egress_only_internet_gateway"}),
    "AWS::EC2::VPCGatewayAttachment": _gateway_attachment,
    "AWS::EC2::VPNGateway": _renamed({"_type": "aws_vpn_gateway"}),
    "AWS::EC2::NatGateway": _renamed(
        {"_type": "aws_nat_gateway", "PrivateIpAddress": "private_ip"}
    ),
    "AWS::EC2::EIP": _renamed({"_type": "aws_eip", "InstanceId": "instance"}),
    "AWS::EC2::EIPAssociation": _renamed({"_type": "aws_eip_association"}),
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::EC2::SecurityGroupIngress": _group_rule(False),
    "AWS::EC2::SecurityGroupEgress": _group_rule(True),
    "AWS::EC2::NetworkAcl": _renamed({"_type": "aws_network_acl"}),
    "AWS::EC2::NetworkAclEntry": _acl_entry,
    "AWS::EC2::SubnetNetworkAclAssociation": _renamed({"_type": "aws_network_acl_association"}),
    "AWS::EC2::Instance": _instance,
    "AWS::EC2::NetworkInterface": _renamed(
        {
            "_type": "aws_network_interface",
            "PrivateIpAddress": "private_ip",
            "GroupSet": "security_groups",
        }
    ),
    "AWS::EC2::VPCPeeringConnection": _peering,
    "AWS::EC2::TransitGateway": _tgw,
    "AWS::EC2::TransitGatewayAttachment": _renamed(
        {"_type": "aws_ec2_transit_gateway_vpc_attachment"}
    ),
    "AWS::EC2::TransitGatewayVpcAttachment": _renamed(
        {"_type": "aws_ec2_transit_gateway_vpc_attachment"}
    ),
    "AWS::EC2::TransitGatewayRouteTable": _renamed(
        {"_type": "aws_ec2_transit_gateway_route_table"}
    ),
    "AWS::EC2::TransitGatewayRoute": _renamed({"_type": "aws_ec2_transit_gateway_route"}),
    "AWS::EC2::TransitGatewayRouteTableAssociation": _renamed(
        {"_type": "aws_ec2_transit_gateway_route_table_association"}
    ),
    "AWS::EC2::TransitGatewayRouteTablePropagation": _renamed(
        {"_type": "aws_ec2_transit_gateway_route_table_propagation"}
    ),
    "AWS::EC2::CustomerGateway": _renamed({"_type": "aws_customer_gateway"}),
    "AWS::EC2::VPNConnection": _renamed({"_type": "aws_vpn_connection"}),
    "AWS::EC2::VPNConnectionRoute": _renamed({"_type": "aws_vpn_connection_route"}),
    "AWS::EC2::VPNGatewayRoutePropagation": _propagation,
    "AWS::EC2::VPCEndpoint": _renamed({"_type": "aws_vpc_endpoint"}),
    "AWS::EC2::DHCPOptions": _renamed({"_type": "aws_vpc_dhcp_options"}),
    "AWS::EC2::VPCDHCPOptionsAssociation": _renamed({"_type": "aws_vpc_dhcp_options_association"}),
    "AWS::EC2::TransitGatewayPeeringAttachment": _renamed(
        {"_type": "aws_ec2_transit_gateway_peering_attachment"}
    ),
    "AWS::EC2::FlowLog": _flow_log,
    "AWS::EC2::TrafficMirrorSession": _renamed({"_type": "aws_ec2_traffic_mirror_session"}),
    "AWS::EC2::TrafficMirrorTarget": _renamed({"_type": "aws_ec2_traffic_mirror_target"}),
    "AWS::EC2::TrafficMirrorFilter": _renamed({"_type": "aws_ec2_traffic_mirror_filter"}),
    "AWS::EC2::TrafficMirrorFilterRule": _renamed({"_type": "aws_ec2_traffic_mirror_filter_rule"}),
    "AWS::EC2::IPAM": _renamed({"_type": "aws_vpc_ipam"}),
    "AWS::EC2::IPAMScope": _renamed({"_type": "aws_vpc_ipam_scope"}),
    "AWS::EC2::IPAMPool": _ipam_pool,
    "AWS::EC2::IPAMPoolCidr": _renamed({"_type": "aws_vpc_ipam_pool_cidr"}),
    "AWS::EC2::IPAMAllocation": _renamed({"_type": "aws_vpc_ipam_pool_cidr_allocation"}),
    "AWS::GlobalAccelerator::Accelerator": _renamed({"_type": "aws_globalaccelerator_accelerator"}),
    "AWS::GlobalAccelerator::Listener": _ga_listener,
    "AWS::GlobalAccelerator::EndpointGroup": _ga_endpoint_group,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": _load_balancer,
    "AWS::ElasticLoadBalancingV2::Listener": _listener,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
    "AWS::Route53::HostedZone": _hosted_zone,
    "AWS::Route53::RecordSet": _record_set,
    "AWS::Route53::RecordSetGroup": _record_set_group,
    "AWS::Route53Resolver::ResolverEndpoint": _resolver_endpoint,
    "AWS::Route53Resolver::ResolverRule": _resolver_rule,
    "AWS::Route53Resolver::ResolverRuleAssociation": _renamed(
        {
            "_type": "aws_route53_resolver_rule_association",
            "ResolverRuleId": "resolver_rule_id",
            "VPCId": "vpc_id",
        }
    ),
    "AWS::DirectConnect::Connection": _dx(
        "aws_dx_connection",
        {
            "ConnectionName": "name",
            "Bandwidth": "bandwidth",
            "Location": "location",
            "LagId": "lag_id",
        },
    ),
    "AWS::DirectConnect::Lag": _dx(
        "aws_dx_lag",
        {
            "LagName": "name",
            "ConnectionsBandwidth": "connections_bandwidth",
            "Location": "location",
        },
    ),
    "AWS::DirectConnect::DirectConnectGateway": _dx(
        "aws_dx_gateway", {"DirectConnectGatewayName": "name"}
    ),
    "AWS::DirectConnect::DirectConnectGatewayAssociation": _dx(
        "aws_dx_gateway_association",
        {
            "DirectConnectGatewayId": "dx_gateway_id",
            "AssociatedGatewayId": "associated_gateway_id",
            "AllowedPrefixesToDirectConnectGateway": "allowed_prefixes",
        },
    ),
    "AWS::DirectConnect::PrivateVirtualInterface": _dx(
        "aws_dx_private_virtual_interface", {**_VIF, "VirtualGatewayId": "vpn_gateway_id"}
    ),
    "AWS::DirectConnect::TransitVirtualInterface": _dx("aws_dx_transit_virtual_interface", _VIF),
    "AWS::DirectConnect::PublicVirtualInterface": _dx("aws_dx_public_virtual_interface", _VIF),
    "AWS::EC2::PrefixList": _renamed(
        {"_type": "aws_ec2_managed_prefix_list", "PrefixListName": "name", "Entries": "entry"}
    ),
}
