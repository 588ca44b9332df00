"""The smallest whole network the tests share: one VPC, one public subnet, one instance."""

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
