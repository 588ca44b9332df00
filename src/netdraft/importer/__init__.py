"""Import real AWS networks: describe-* JSON or a live account → an inventory → an ``.nd`` file."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from netdraft.importer.aws_json import Dump, DumpError, check_region, parse, read_dir
from netdraft.importer.build import Imported, build

__all__ = [
    "DumpError",
    "Imported",
    "from_aws",
    "from_cloudformation",
    "from_json_dir",
    "from_terraform",
]


def from_json_dir(
    directory: str | Path, output: str = "<import>", default_region: str | None = None
) -> Imported:
    """Import the AWS CLI output saved in a folder.

    Args:
        directory: the folder of ``aws ec2 describe-*`` JSON files, flat or in
            ``[account/]region/`` folders.
        output: the name of the file being written (for the syntax tree's spans).
        default_region: the region of files whose folder and content name none.

    Returns:
        The ``.nd`` text and its warnings.

    Raises:
        DumpError: the folder cannot be read.
    """
    return build(read_dir(directory, default_region), output)


def from_aws(
    regions: Sequence[str],
    profile: str | None = None,
    endpoint_url: str | None = None,
    output: str = "<import>",
) -> Imported:
    """Import the network of an AWS account, live, through boto3.

    Args:
        regions: the regions to read, one ``region`` block each.
        profile: the AWS CLI profile to use (default: the environment's credentials).
        endpoint_url: another EC2 endpoint (tests use a local moto server).
        output: the name of the file being written (for the syntax tree's spans).

    Returns:
        The ``.nd`` text and its warnings.

    Raises:
        DumpError: a region is not a region name, boto3 is missing, or AWS cannot be
            reached or refuses a call.
    """
    from netdraft.importer.live import fetch

    for region in regions:
        check_region(region)  # before any call: it is printed as a name
    dumps = [
        Dump(region, None, ((f"aws ec2 ({region})", fetch(region, profile, endpoint_url)),))
        for region in regions
    ]
    return build(parse(dumps), output)


def from_terraform(
    path: str | Path, output: str = "<import>", default_region: str | None = None
) -> Imported:
    """Import a Terraform plan (``terraform show -json``) or state file, or a folder of them.

    Args:
        path: the file or folder.
        output: the name of the file being written (for the syntax tree's spans).
        default_region: the region of resources whose provider and zones name none.

    Returns:
        The ``.nd`` text and its warnings.

    Raises:
        DumpError: the input cannot be read.
    """
    from netdraft.importer.terraform import read

    return build(read(path, default_region), output)


def from_cloudformation(
    template: str | Path,
    parameters: Mapping[str, str] | None = None,
    region: str | None = None,
    output: str = "<import>",
) -> Imported:
    """Import a CloudFormation template (JSON or YAML; ``cdk synth`` output too).

    Args:
        template: the template file.
        parameters: values of the template's parameters (the others take their default).
        region: the stack's region (``AWS::Region``; default us-east-1).
        output: the name of the file being written (for the syntax tree's spans).

    Returns:
        The ``.nd`` text and its warnings.

    Raises:
        DumpError: the template cannot be read, or a parameter has no value and no default.
    """
    from netdraft.importer.cloudformation import read

    return build(read(template, parameters, region), output)


#: A YAML template's top-level ``Resources`` key (quoted or not), at the start of a line.
_TOP_LEVEL_RESOURCES = re.compile(rb"""(?m)^(?:Resources|"Resources"|'Resources')[ \t]*:""")


def iac_kind(path: str | Path) -> str | None:
    """``terraform`` or ``cloudformation`` when a file is a Terraform plan or state (JSON
    with ``format_version`` or ``terraform_version``) or a template (JSON or YAML with
    ``Resources``), told by its content whatever its name; None for anything else (a
    ``.nd`` file, an unreadable one)."""
    import json

    from netdraft.files import MAX_JSON_BYTES, read_bytes
    from netdraft.importer import cloudformation

    try:
        raw = read_bytes(Path(path), MAX_JSON_BYTES)
    except OSError:
        raw = b""  # too large or unreadable as JSON: the template reader says why
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        # A YAML template has a top-level ``Resources:`` key: without one it is none, and a
        # large ``.nd`` file is not handed to the YAML parser to find that out.
        if raw and not _TOP_LEVEL_RESOURCES.search(raw):
            return None
        try:
            cloudformation.load(Path(path))
        except DumpError:
            return None
        return "cloudformation"
    if isinstance(data, dict) and ("format_version" in data or "terraform_version" in data):
        return "terraform"
    if isinstance(data, dict) and isinstance(data.get("Resources"), dict):
        return "cloudformation"
    return None


def from_iac(path: str | Path, output: str = "<import>") -> Imported | None:
    """Import a Terraform plan or state or a CloudFormation template (with its parameters'
    defaults), told by its content (see :func:`iac_kind`); None when the file is neither.

    Raises:
        DumpError: the file is one of them but cannot be imported.
    """
    kind = iac_kind(path)
    if kind == "terraform":
        return from_terraform(path, output)
    if kind == "cloudformation":
        return from_cloudformation(path, output=output)
    return None
