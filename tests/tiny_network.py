"""Small whole networks the tests share (they are test data, not fixtures)."""

#: One VPC, one public subnet, one instance.
TINY = """\
title "Tiny"
region us-east-1 {
  vpc demo 10.0.0.0/16 {
    internet-gateway igw
    subnet web 10.0.0.0/24 az us-east-1a public-ip-on-launch
    route-table public { route 0.0.0.0/0 via igw; associate web }
    instance www in web
  }
}
"""

#: A web server open on tcp 443 (``OLD``), and the same opened on 8443 instead (``NEW``):
#: two versions for ``diff``.
OLD = """\
region us-east-1 {
  vpc a 10.0.0.0/16 {
    internet-gateway igw
    subnet pub 10.0.0.0/24 az us-east-1a public-ip-on-launch
    route-table rt { route 0.0.0.0/0 via igw; associate pub }
    security-group web { ingress tcp 443 from 0.0.0.0/0 }
    instance w in pub sg web
  }
}
"""
NEW = OLD.replace("tcp 443", "tcp 8443")
