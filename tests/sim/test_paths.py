"""Path cases: one small network per mechanism of LANGUAGE.md §4, and what the simulator says.

Each row of ``CASES`` is ``(network, src, dst, proto, port, verdict, code, via)``; the
networks are ``.nd`` text compiled with :func:`netdraft.api.compile`. They cover what the
spec examples do not: each network isolates a few mechanisms, with an allowed path next
to each denied one so that a row fails for the reason it names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.path import trace
from netdraft.sim.trace import Leg, Trace

NETWORKS: dict[str, str] = {}

# Security groups: rules by CIDR and by group, a group of a peered VPC (`a.clients`),
# and egress rules that restrict what a member may open.
NETWORKS["groups"] = """
region us-east-1 {
  vpc a 10.1.0.0/16 {
    subnet s1 10.1.1.0/24 az us-east-1a
    subnet s2 10.1.2.0/24 az us-east-1a
    route-table rt { route 10.2.0.0/16 via ab; associate s1 s2 }
    security-group clients {
      egress tcp 5432 to 10.1.0.0/16
      egress tcp 443 to 10.2.0.0/16
    }
    security-group by-cidr  { ingress tcp 5432 from 10.1.1.0/24 }
    security-group by-group { ingress tcp 5432 from clients }
    security-group other    { }
    instance c1       in s1 sg clients
    instance c2       in s2 sg clients
    instance o2       in s2 sg other
    instance db-cidr  in s2 sg by-cidr
    instance db-group in s1 sg by-group
    instance both     in s1 sg other, by-cidr
  }
  vpc b 10.2.0.0/16 {
    subnet s1 10.2.1.0/24 az us-east-1a
    route-table rt { route 10.1.0.0/16 via ab; associate s1 }
    security-group web { ingress tcp 443 from a.clients }
    instance w in s1 sg web
  }
}
peering ab a <-> b
"""

# Network ACLs: rule order (deny before allow and allow before deny), an outbound deny,
# replies let back only on 32768-65535, and a deny that carves a hole in the source ports.
NETWORKS["acls"] = """
region us-east-1 {
  vpc v 10.5.0.0/16 {
    internet-gateway igw
    subnet deny-first  10.5.1.0/24 az us-east-1a public-ip-on-launch
    subnet allow-first 10.5.2.0/24 az us-east-1a public-ip-on-launch
    subnet out-deny    10.5.3.0/24 az us-east-1a public-ip-on-launch
    subnet linux-eph   10.5.4.0/24 az us-east-1a public-ip-on-launch
    subnet holes       10.5.5.0/24 az us-east-1a public-ip-on-launch
    route-table rt {
      route 0.0.0.0/0 via igw
      associate deny-first allow-first out-deny linux-eph holes
    }
    network-acl deny-first {
      inbound  100 deny  tcp 443 from 203.0.113.0/24
      inbound  200 allow tcp 443 from 0.0.0.0/0
      outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
      associate deny-first
    }
    network-acl allow-first {
      inbound  100 allow tcp 443 from 0.0.0.0/0
      inbound  200 deny  tcp 443 from 203.0.113.0/24
      outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
      associate allow-first
    }
    network-acl out-deny {
      inbound  100 allow all from 0.0.0.0/0
      outbound 100 deny  tcp 22 to 0.0.0.0/0
      outbound 200 allow all to 0.0.0.0/0
      associate out-deny
    }
    network-acl linux-eph {
      inbound  100 allow tcp 32768-65535 from 0.0.0.0/0
      outbound 100 allow tcp 443 to 0.0.0.0/0
      associate linux-eph
    }
    network-acl holes {
      inbound  100 deny  tcp 1024-4999 from 0.0.0.0/0
      inbound  110 deny  tcp 60000-65535 from 0.0.0.0/0
      inbound  200 allow tcp 0-65535 from 0.0.0.0/0
      outbound 100 allow tcp 443 to 0.0.0.0/0
      associate holes
    }
    security-group web { ingress tcp 443 from 0.0.0.0/0; ingress tcp 22 from 0.0.0.0/0 }
    instance h-deny  in deny-first  sg web
    instance h-allow in allow-first sg web
    instance h-out   in out-deny    sg web
    instance h-eph   in linux-eph   sg web
    instance h-holes in holes       sg web
  }
}
"""

# Routes: the longest prefix wins over a shorter one whatever its target; on equal
# prefixes a static route beats a propagated one; blackhole routes.
NETWORKS["routes"] = """
region us-east-1 {
  vpc a 10.1.0.0/16 {
    internet-gateway igw
    vpn-gateway vgw
    subnet s1 10.1.1.0/24 az us-east-1a public-ip-on-launch
    subnet s2 10.1.2.0/24 az us-east-1a public-ip-on-launch
    subnet s3 10.1.3.0/24 az us-east-1a
    route-table lpm {
      route 0.0.0.0/0 via igw
      route 10.1.0.0/16 via x3
      route 198.51.100.0/24 blackhole
      route 10.2.0.0/16 blackhole
      route 10.2.1.0/24 via ab
      route 192.168.0.0/16 blackhole
      propagate vgw
      associate s1
    }
    route-table static-wins {
      route 192.168.1.0/24 blackhole
      route 0.0.0.0/0 via igw
      propagate vgw
      associate s2
    }
    route-table propagated-only { propagate vgw; associate s3 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance x1 in s1 sg open
    instance x2 in s2 sg open
    instance x3 in s3 sg open
  }
  vpc b 10.2.0.0/16 {
    subnet b1 10.2.1.0/24 az us-east-1a
    subnet b2 10.2.2.0/24 az us-east-1a
    route-table rt { route 10.1.0.0/16 via ab; associate b1 b2 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance y1 in b1 sg open
    instance y2 in b2 sg open
  }
}
peering ab a <-> b
site dc 192.168.0.0/16 {
  customer-gateway cgw 198.18.0.1
  host h0 192.168.0.10
  host h1 192.168.1.10
  host h2 192.168.2.10
}
vpn dc-vpn vgw <-> cgw static 192.168.0.0/24 192.168.1.0/24 192.168.2.0/24
"""

# Stopped instances as source, destination and route target.
NETWORKS["stopped"] = """
region us-east-1 {
  vpc v 10.6.0.0/16 {
    internet-gateway igw
    subnet s 10.6.1.0/24 az us-east-1a
    subnet behind 10.6.2.0/24 az us-east-1a
    route-table public { route 0.0.0.0/0 via igw; associate s }
    route-table via-down { route 0.0.0.0/0 via down; associate behind }
    security-group open { ingress all from 10.6.0.0/16 }
    instance up   in s sg open
    instance down in s sg open stopped public-ip source-dest-check off
    instance back in behind sg open
  }
}
"""

# NAT devices: a NAT instance with the check on, one without a public address, a NAT
# gateway whose subnet has no way out, and a private NAT gateway.
NETWORKS["nat"] = """
region us-east-1 {
  vpc n 10.7.0.0/16 {
    internet-gateway igw
    subnet public   10.7.0.0/24 az us-east-1a
    subnet nat-only 10.7.1.0/24 az us-east-1a
    subnet p-check  10.7.10.0/24 az us-east-1a
    subnet p-nopub  10.7.11.0/24 az us-east-1a
    subnet p-stuck  10.7.12.0/24 az us-east-1a
    subnet p-good   10.7.13.0/24 az us-east-1a
    subnet p-priv   10.7.14.0/24 az us-east-1a
    nat-gateway stuck-nat in nat-only
    nat-gateway good-nat  in public
    nat-gateway priv-nat  in public private
    route-table public  { route 0.0.0.0/0 via igw; associate public }
    route-table no-way  { associate nat-only }
    route-table p-check { route 0.0.0.0/0 via checked; associate p-check }
    route-table p-nopub { route 0.0.0.0/0 via nopub; associate p-nopub }
    route-table p-stuck { route 0.0.0.0/0 via stuck-nat; associate p-stuck }
    route-table p-good  { route 0.0.0.0/0 via good-nat; associate p-good }
    route-table p-priv  { route 0.0.0.0/0 via priv-nat; associate p-priv }
    security-group nat-sg { ingress all from 10.7.0.0/16 }
    security-group app    { }
    instance checked in public elastic-ip sg nat-sg
    instance nopub   in public sg nat-sg source-dest-check off
    instance w-check in p-check sg app
    instance w-nopub in p-nopub sg app
    instance w-stuck in p-stuck sg app
    instance w-good  in p-good sg app
    instance w-priv  in p-priv sg app
  }
}
"""

# Peering: not transitive in either direction, not a way to another VPC's internet
# gateway, replies need a route back, and peers may sit in different regions.
NETWORKS["peering"] = """
region us-east-1 {
  vpc a 10.11.0.0/16 {
    subnet a1 10.11.1.0/24 az us-east-1a
    route-table rt {
      route 10.12.0.0/16 via ab
      route 10.13.0.0/16 via ab
      route 10.14.0.0/16 via ad
      route 0.0.0.0/0 via ab
      associate a1
    }
    security-group open { ingress all from 10.0.0.0/8 }
    instance ha in a1 sg open
  }
  vpc b 10.12.0.0/16 {
    internet-gateway igw-b
    subnet b1 10.12.1.0/24 az us-east-1a public-ip-on-launch
    route-table rt {
      route 10.11.0.0/16 via ab
      route 10.13.0.0/16 via bc
      route 0.0.0.0/0 via igw-b
      associate b1
    }
    security-group open { ingress all from 10.0.0.0/8 }
    instance hb in b1 sg open
  }
  vpc c 10.13.0.0/16 {
    subnet c1 10.13.1.0/24 az us-east-1b
    route-table rt {
      route 10.12.0.0/16 via bc
      route 10.11.0.0/16 via bc
      associate c1
    }
    security-group open { ingress all from 10.0.0.0/8 }
    instance hc in c1 sg open
  }
}
region eu-west-1 {
  vpc d 10.14.0.0/16 {
    subnet d1 10.14.1.0/24 az eu-west-1a
    subnet d2 10.14.2.0/24 az eu-west-1b
    route-table rt { route 10.11.0.0/16 via ad; associate d1 }
    route-table forgot { associate d2 }
    security-group open { ingress all from 10.0.0.0/8 }
    instance hd  in d1 sg open
    instance hd2 in d2 sg open
  }
}
peering ab a <-> b
peering bc b <-> c
peering ad a <-> d
"""

# Transit gateways: no route, the AZ restriction, a blackhole in a TGW route table, a
# VPN attachment to a site (BGP), and a private NAT gateway behind the TGW.
NETWORKS["tgw"] = """
region us-east-1 {
  vpc hub 10.20.0.0/16 {
    subnet tgw-a 10.20.0.0/28 az us-east-1a
    subnet app-a 10.20.1.0/24 az us-east-1a
    subnet app-b 10.20.2.0/24 az us-east-1b
    subnet nat-a 10.20.3.0/24 az us-east-1a
    subnet hub-priv 10.20.4.0/24 az us-east-1a
    subnet nat-pub 10.20.5.0/24 az us-east-1a
    subnet hub-q 10.20.6.0/24 az us-east-1a
    internet-gateway igw
    nat-gateway pnat in nat-a private
    nat-gateway pubnat in nat-pub
    route-table rt {
      route 10.0.0.0/8 via tgw
      route 192.168.0.0/16 via tgw
      associate tgw-a app-a app-b nat-a
    }
    route-table via-pnat { route 10.21.0.0/16 via pnat; route 10.0.0.0/8 via tgw; associate hub-priv }
    route-table nat-pub { route 0.0.0.0/0 via igw; route 10.0.0.0/8 via tgw; associate nat-pub }
    route-table via-pubnat { route 10.21.0.0/16 via pubnat; associate hub-q }
    security-group open { ingress all from 0.0.0.0/0 }
    instance hub-a in app-a sg open
    instance hub-b in app-b sg open
    instance hub-p in hub-priv sg open
    instance hub-q in hub-q sg open
  }
  vpc spoke1 10.21.0.0/16 {
    subnet s1 10.21.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via tgw; associate s1 }
    security-group open { ingress all from 10.0.0.0/8; ingress all from 192.168.0.0/16 }
    security-group from-pnat { ingress tcp 443 from 10.20.3.0/24 }
    security-group from-pubnat { ingress tcp 443 from 10.20.5.0/24 }
    instance sp1 in s1 sg open
    instance sp1-pnat in s1 sg from-pnat
    instance sp1-pubnat in s1 sg from-pubnat
  }
  vpc spoke2 10.22.0.0/16 {
    subnet s1 10.22.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via tgw; associate s1 }
    security-group open { ingress all from 10.0.0.0/8 }
    instance sp2 in s1 sg open
  }
  vpc lonely 10.23.0.0/16 {
    subnet s1 10.23.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via tgw; associate s1 }
    security-group open { ingress all from 10.0.0.0/8 }
    instance lone in s1 sg open
  }
  transit-gateway tgw {
    attach hub subnets tgw-a
    attach spoke1 subnets s1
    attach spoke2 subnets s1
    attach lonely subnets s1
    attach vpn dc-vpn
    route-table hub-rt {
      associate hub dc-vpn
      propagate spoke1 spoke2 dc-vpn
    }
    route-table spokes {
      associate spoke1 spoke2
      propagate hub dc-vpn spoke1
      route 10.22.0.0/16 blackhole
    }
    route-table empty { associate lonely }
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw 198.18.0.1
  host dc-host 192.168.5.5
}
vpn dc-vpn tgw <-> cgw bgp
"""

# The attachment subnet's ACL (AWS, "Network ACLs for transit gateways"): its inbound rules
# see traffic from the VPC into the transit gateway, its outbound rules traffic from the
# transit gateway to the VPC; neither applies to instances in the attachment subnet itself.
NETWORKS["tgw-acl"] = """
region us-east-1 {
  vpc hub 10.50.0.0/16 {
    subnet att 10.50.0.0/28 az us-east-1a
    subnet app 10.50.1.0/24 az us-east-1a
    subnet db  10.50.2.0/24 az us-east-1a
    subnet web 10.50.3.0/24 az us-east-1a
    route-table rt { route 10.60.0.0/16 via tgw; associate att app db web }
    network-acl att-acl {
      inbound  100 deny  all from 10.50.3.0/24
      inbound  110 allow all from 0.0.0.0/0
      outbound 100 deny  all to 10.50.2.0/24
      outbound 110 allow all to 0.0.0.0/0
      associate att
    }
    security-group open { ingress all from 10.0.0.0/8 }
    instance att1 in att sg open
    instance app1 in app sg open
    instance db1 in db sg open
    instance web1 in web sg open
  }
  vpc s1 10.60.0.0/16 {
    subnet a 10.60.1.0/24 az us-east-1a
    route-table rt { route 10.50.0.0/16 via tgw; associate a }
    security-group open { ingress all from 10.0.0.0/8 }
    instance s1a in a sg open
  }
  transit-gateway tgw {
    attach hub subnets att
    attach s1 subnets a
    route-table main { associate hub s1; propagate hub s1 }
  }
}
"""

# A gateway endpoint serves only its own VPC: not a spoke behind a transit gateway, nor a
# peer (AWS: "endpoint connections cannot be extended out of a VPC").
NETWORKS["tgw-endpoint"] = """
region us-east-1 {
  vpc hub 10.40.0.0/16 {
    subnet tgw-a 10.40.255.0/28 az us-east-1a
    subnet app 10.40.1.0/24 az us-east-1a
    route-table tgw-rt { route 10.41.0.0/16 via tgw; associate tgw-a app }
    endpoint s3gw gateway s3 route-tables tgw-rt
    security-group open { }
    instance h in app sg open
  }
  vpc spoke 10.41.0.0/16 {
    subnet s 10.41.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via tgw; associate s }
    security-group open { }
    instance sp in s sg open
  }
  vpc peer 10.42.0.0/16 {
    subnet s 10.42.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via hp; associate s }
    security-group open { }
    instance pp in s sg open
  }
  transit-gateway tgw {
    attach hub subnets tgw-a
    attach spoke subnets s
    route-table spokes { associate spoke; route 0.0.0.0/0 via hub }
    route-table hub-rt { associate hub; propagate spoke }
  }
}
peering hp hub <-> peer
"""

# A VPN with static prefixes that miss a host, and a subnet that forgot propagation.
NETWORKS["vpn"] = """
region us-west-2 {
  vpc cloud 10.30.0.0/16 {
    vpn-gateway vgw
    subnet good   10.30.1.0/24 az us-west-2a
    subnet prop   10.30.2.0/24 az us-west-2a
    subnet forgot 10.30.3.0/24 az us-west-2a
    route-table good   { route 172.16.0.0/16 via vgw; associate good }
    route-table prop   { propagate vgw; associate prop }
    route-table forgot { associate forgot }
    security-group open { ingress all from 172.16.0.0/12 }
    instance app  in good sg open
    instance app2 in prop sg open
    instance lost in forgot sg open
  }
  vpc bare 10.31.0.0/16 {
    vpn-gateway vgw2
    subnet s 10.31.1.0/24 az us-west-2a
    route-table rt { route 172.16.0.0/16 via vgw2; associate s }
    security-group open { ingress all from 172.16.0.0/12 }
    instance alone in s sg open
  }
}
site office 172.16.0.0/16 {
  customer-gateway cgw 198.18.0.2
  host carried 172.16.1.10
  host missed  172.16.9.10
}
vpn office-vpn vgw <-> cgw static 172.16.1.0/24
"""

# IPv6: egress-only out, nothing in; an instance behind the internet gateway, reached in.
NETWORKS["ipv6"] = """
region us-east-1 {
  vpc v 10.40.0.0/16 {
    ipv6 2600:1f18:aa00::/56
    internet-gateway igw
    egress-only-gateway eigw
    subnet priv 10.40.1.0/24 az us-east-1a ipv6 2600:1f18:aa00:1::/64
    subnet pub  10.40.2.0/24 az us-east-1a ipv6 2600:1f18:aa00:2::/64
    route-table priv { route ::/0 via eigw; associate priv }
    route-table pub  { route ::/0 via igw; associate pub }
    security-group web { ingress tcp 443 from ::/0 }
    instance job in priv sg web
    instance site in pub sg web
  }
}
"""

# Public addresses: an Elastic IP written in the file, two VPCs that talk through their
# public addresses (security groups see the public source address), and a public IP in
# a subnet whose route table does not send the replies to the internet gateway.
NETWORKS["public"] = """
region us-east-1 {
  vpc a 10.50.0.0/16 {
    internet-gateway igw-a
    subnet pub 10.50.1.0/24 az us-east-1a
    subnet dark 10.50.2.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via igw-a; associate pub }
    security-group out { ingress tcp 443 from 0.0.0.0/0 }
    instance client in pub public-ip 54.10.0.1 sg out
    instance nopub  in pub sg out
    instance hidden in dark public-ip sg out
  }
  vpc b 10.51.0.0/16 {
    internet-gateway igw-b
    subnet pub 10.51.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via igw-b; associate pub }
    security-group from-client { ingress tcp 443 from 54.10.0.1/32 }
    security-group from-private { ingress tcp 443 from 10.50.0.0/16 }
    instance server  in pub elastic-ip 54.20.0.1 sg from-client
    instance server2 in pub elastic-ip 54.20.0.2 sg from-private
  }
}
"""

# Endpoints: a DynamoDB gateway endpoint on one route table only, and an interface
# endpoint in one AZ serving an instance in another.
NETWORKS["endpoints"] = """
region us-east-1 {
  vpc e 10.60.0.0/16 {
    subnet a 10.60.1.0/24 az us-east-1a
    subnet b 10.60.2.0/24 az us-east-1b
    subnet c 10.60.3.0/24 az us-east-1c
    route-table with-ep { associate a b }
    route-table without { associate c }
    security-group worker { }
    security-group ep-sg { ingress tcp 443 from 10.60.0.0/16 }
    instance wa in a sg worker
    instance wb in b sg worker
    instance wc in c sg worker
    endpoint ddb gateway dynamodb route-tables with-ep
    endpoint sqs-if interface sqs in a sg ep-sg
  }
}
"""

# Both endpoint kinds for S3 in one VPC, and an interface endpoint reached from a site,
# a peered VPC and a VPC across a transit gateway (LANGUAGE.md §9, "Endpoints").
NETWORKS["endpoint-reach"] = (Path(__file__).parent / "networks" / "endpoint-reach.nd").read_text(
    "utf-8"
)

# An interface endpoint's network interface answers its service's HTTPS and HTTP only, and
# opens no connections; its group ('ep') lets everything in, so the port alone decides.
NETWORKS["endpoint-ports"] = """
region us-east-1 {
  vpc v 10.60.0.0/16 {
    subnet s 10.60.1.0/24 az us-east-1a
    security-group ep { ingress all from 10.60.0.0/16 }
    security-group web { ingress tcp 443 from 10.60.0.0/16 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance c in s sg open
    endpoint sqs-if interface sqs in s ips 10.60.1.50 sg ep
    endpoint sns-if interface sns in s ips 10.60.1.60 sg web
    endpoint smtp-if interface email-smtp in s ips 10.60.1.70 sg ep
    endpoint git-if interface git-codecommit in s ips 10.60.1.71 sg ep
    endpoint cql-if interface cassandra in s ips 10.60.1.72 sg ep
    endpoint own-if interface vpce-svc-0a1 in s ips 10.60.1.73 ports 8443 9000-9001 sg ep
  }
}
"""

# A transit gateway loop: its static route sends 10.9.0.0/16 to vpc b, whose table sends it
# back to the transit gateway; 10.2.0.0/16 (propagated) reaches b itself.
NETWORKS["tgw-loop"] = """
region us-east-1 {
  vpc a 10.1.0.0/16 {
    subnet s 10.1.1.0/24 az us-east-1a
    route-table rt { route 10.9.0.0/16 via tgw; route 10.2.0.0/16 via tgw; associate s }
    security-group open { ingress all from 0.0.0.0/0 }
    instance x in s sg open
  }
  vpc b 10.2.0.0/16 {
    subnet s 10.2.1.0/24 az us-east-1a
    route-table rt { route 10.9.0.0/16 via tgw; route 10.1.0.0/16 via tgw; associate s }
    security-group open { ingress all from 0.0.0.0/0 }
    instance y in s sg open
  }
  transit-gateway tgw {
    attach a subnets s
    attach b subnets s
    route-table main {
      associate a b
      propagate a b
      route 10.9.0.0/16 via b
    }
  }
}
"""

# `internet` means some internet host: allowed if one address works, and addresses in
# a VPC that nothing in the file holds.
NETWORKS["addresses"] = """
region us-east-1 {
  vpc v 10.70.0.0/16 {
    internet-gateway igw
    subnet pub 10.70.1.0/24 az us-east-1a public-ip-on-launch
    subnet acl 10.70.2.0/24 az us-east-1a public-ip-on-launch
    subnet priv 10.70.3.0/24 az us-east-1a
    nat-gateway nat in pub ip 10.70.1.100 eip 203.0.113.70
    route-table rt { route 0.0.0.0/0 via igw; associate pub acl }
    route-table via-nat { route 0.0.0.0/0 via nat; associate priv }
    network-acl dns-only {
      inbound  100 allow tcp 1024-65535 from 1.1.1.0/24
      outbound 100 allow tcp 53 to 1.1.1.0/24
      associate acl
    }
    security-group dns-out { egress tcp 53 to 8.8.8.0/24 }
    security-group none-out { egress tcp 53 to 10.70.0.0/16 }
    security-group open { }
    security-group vpc-in { ingress all from 10.70.0.0/16 }
    security-group all-out { egress all to 0.0.0.0/0 }
    instance resolver in pub sg dns-out
    instance plain    in pub sg vpc-in
    instance nothing  in pub sg none-out
    instance acl-host in acl sg open
    instance behind   in priv sg all-out
  }
}
"""

# Services that need no route (§9): Amazon DNS at VPC+2 and 169.254.169.253, instance
# metadata, Amazon Time Sync. 'locked' has a deny-all ACL and a group with no egress: they
# filter its other traffic, not these. The VPC+2 resolver answers only its own VPC.
NETWORKS["local"] = """
region us-east-1 {
  vpc a 10.90.0.0/16 {
    vpn-gateway vgw
    subnet s0 10.90.0.0/24 az us-east-1a
    subnet s1 10.90.1.0/24 az us-east-1a
    subnet s2 10.90.2.0/24 az us-east-1a
    route-table rt { route 10.91.0.0/16 via ab; propagate vgw; associate s0 s1 s2 }
    network-acl closed { associate s1 }
    security-group none { egress tcp 9 to 192.0.2.9/32 }
    security-group open { ingress all from 0.0.0.0/0; egress all to 0.0.0.0/0 }
    instance open in s0 sg open
    instance locked in s1 sg none
    instance off in s0 sg open stopped
  }
  vpc b 10.91.0.0/16 {
    subnet s 10.91.0.0/24 az us-east-1a
    route-table rt { route 10.90.0.0/16 via ab; associate s }
    security-group open { ingress all from 0.0.0.0/0 }
    instance peer in s sg open
  }
  vpc c 10.92.0.0/16 {
    dns-support off
    subnet s 10.92.0.0/24 az us-east-1a
    security-group open { ingress all from 0.0.0.0/0 }
    instance nodns in s sg open
  }
}
peering ab a <-> b
site dc 192.168.0.0/16 {
  customer-gateway cgw 198.51.100.1
  host h 192.168.1.10
}
vpn tun vgw <-> cgw static 192.168.0.0/16
"""

# Their IPv6 twins (§9): fd00:ec2::253, ::254 and ::123, answered on the host of an
# instance with an IPv6 address (AWS: Nitro-based instances; netdraft takes every instance
# as one), unfiltered and unrouted like the IPv4 addresses. 'locked6' has a deny-all ACL and
# a group with no egress; 'v4only' has no IPv6 address, so sends no IPv6.
NETWORKS["local6"] = """
region us-east-1 {
  vpc a 10.93.0.0/16 {
    ipv6 2001:db8:9300::/56
    internet-gateway igw
    subnet s0 10.93.0.0/24 az us-east-1a ipv6 2001:db8:9300::/64
    subnet s1 10.93.1.0/24 az us-east-1a ipv6 2001:db8:9300:1::/64
    subnet s2 10.93.2.0/24 az us-east-1a
    route-table rt { route ::/0 via igw; associate s0 s1 s2 }
    network-acl closed { associate s1 }
    security-group none { egress tcp 9 to 2001:db8:ffff::9/128 }
    security-group open { ingress all from ::/0; egress all to ::/0 }
    instance open6 in s0 sg open
    instance locked6 in s1 sg none
    instance off6 in s0 sg open stopped
    instance v4only in s2 sg open
  }
  vpc c 10.94.0.0/16 {
    ipv6 2001:db8:9400::/56
    dns-support off
    subnet s 10.94.0.0/24 az us-east-1a ipv6 2001:db8:9400::/64
    security-group open { ingress all from ::/0 }
    instance nodns6 in s sg open
  }
}
"""

# Loops (§9): a NAT instance whose own subnet routes back to it, and two NAT instances
# that route to each other. A packet back at a hop it crossed is dropped at once.
NETWORKS["loops"] = """
region us-east-1 {
  vpc v 10.80.0.0/16 {
    internet-gateway igw
    subnet pub 10.80.1.0/24 az us-east-1a public-ip-on-launch
    subnet priv 10.80.2.0/24 az us-east-1a
    subnet a 10.80.3.0/24 az us-east-1a
    subnet b 10.80.4.0/24 az us-east-1a
    subnet ok 10.80.5.0/24 az us-east-1a
    subnet out 10.80.6.0/24 az us-east-1a public-ip-on-launch
    route-table rt { route 0.0.0.0/0 via natx; associate pub }
    route-table p { route 0.0.0.0/0 via natx; associate priv }
    route-table ra { route 0.0.0.0/0 via nb; associate a }
    route-table rb { route 0.0.0.0/0 via na; associate b }
    route-table rok { route 0.0.0.0/0 via naty; associate ok }
    route-table rout { route 0.0.0.0/0 via igw; associate out }
    security-group open { ingress all from 0.0.0.0/0 }
    instance natx in pub sg open source-dest-check off public-ip
    instance naty in out sg open source-dest-check off public-ip
    instance app in priv sg open
    instance app2 in ok sg open
    instance na in a sg open source-dest-check off
    instance nb in b sg open source-dest-check off
  }
}
"""

# Down (§9 State, §14 Down): a down NAT gateway, instance and VPN leave every path; a
# down VPN withdraws what it propagates, into VPC and transit gateway route tables.
NETWORKS["down"] = """
region us-east-1 {
  vpc v 10.70.0.0/16 {
    internet-gateway igw
    vpn-gateway vgw
    subnet pub 10.70.1.0/24 az us-east-1a public-ip-on-launch
    subnet priv 10.70.2.0/24 az us-east-1a
    subnet priv2 10.70.3.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via igw; associate pub }
    route-table p { route 0.0.0.0/0 via nat; propagate vgw; associate priv }
    route-table p2 {
      route 0.0.0.0/0 via nat2
      route 192.168.0.0/16 via vgw
      route 172.20.0.0/16 via vgw
      route 10.99.0.0/16 via c
      associate priv2
    }
    nat-gateway nat in pub down
    nat-gateway nat2 in pub
    security-group open { ingress all from 0.0.0.0/0 }
    instance a in priv sg open
    instance b in priv2 sg open
    instance c in priv2 sg open source-dest-check off down
  }
  vpc w 10.71.0.0/16 {
    subnet s 10.71.1.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via tgw; associate s }
    security-group open { ingress all from 0.0.0.0/0 }
    instance t in s sg open
  }
  transit-gateway tgw {
    attach w subnets s
    attach vpn tv
    attach vpn tv2
    attach vpn tv3
    route-table main {
      associate w tv tv2 tv3
      propagate w tv tv3
      route 172.31.0.0/16 via tv2
    }
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw 198.51.100.1
  host h 192.168.1.10
}
site dc2 172.20.0.0/16 {
  customer-gateway cgw2 198.51.100.2
  host h2 172.20.1.10
}
site dc3 172.30.0.0/16 {
  customer-gateway cgw3 198.51.100.3
  host h3 172.30.1.10
}
site dc4 172.31.0.0/16 {
  customer-gateway cgw4 198.51.100.4
  host h4 172.31.1.10
}
site dc5 172.29.0.0/16 {
  customer-gateway cgw5 198.51.100.5
  host h5 172.29.1.10
}
vpn tun vgw <-> cgw static 192.168.0.0/16 down
vpn tun2 vgw <-> cgw2 static 172.20.0.0/16
vpn tv tgw <-> cgw3 static 172.30.0.0/16 down
vpn tv2 tgw <-> cgw4 static 172.31.0.0/16 down
vpn tv3 tgw <-> cgw5 static 172.29.0.0/16
"""

ALLOW, DENY = "allow", "deny"

Case = tuple[str, str, str, str, int | None, str, str | None, str | None]

CASES: list[Case] = [
    # -- security groups: by CIDR, by group, by a peered VPC's group, egress rules
    ("groups", "c1", "db-cidr", "tcp", 5432, ALLOW, None, None),  # c1 is in 10.1.1.0/24
    ("groups", "c2", "db-cidr", "tcp", 5432, DENY, "SG_INGRESS_MISMATCH", None),  # not 10.1.1.0/24
    ("groups", "c2", "db-group", "tcp", 5432, ALLOW, None, None),  # member of 'clients'
    ("groups", "o2", "db-group", "tcp", 5432, DENY, "SG_INGRESS_MISMATCH", None),  # not a member
    ("groups", "c1", "both", "tcp", 5432, ALLOW, None, None),  # any of an instance's groups
    ("groups", "c1", "w", "tcp", 443, ALLOW, None, "ab"),  # 'a.clients' across the peering
    ("groups", "o2", "w", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", "ab"),
    ("groups", "c1", "w", "tcp", 22, DENY, "SG_EGRESS_MISMATCH", None),  # egress only 443 there
    ("groups", "c1", "db-group", "tcp", 22, DENY, "SG_EGRESS_MISMATCH", None),
    ("groups", "c1", "internet", "tcp", 443, DENY, "SG_EGRESS_MISMATCH", None),
    ("groups", "w", "c1", "tcp", 5432, DENY, "SG_INGRESS_MISMATCH", None),  # no ingress
    # -- network ACLs: first match by number, outbound deny, ephemeral ports on the reply
    ("acls", "203.0.113.5", "h-deny", "tcp", 443, DENY, "ACL_INBOUND_DENY", None),  # 100 deny first
    ("acls", "198.51.100.5", "h-deny", "tcp", 443, ALLOW, None, "igw"),
    ("acls", "203.0.113.5", "h-allow", "tcp", 443, ALLOW, None, None),  # 100 allow first
    ("acls", "h-out", "198.51.100.5", "tcp", 22, DENY, "ACL_OUTBOUND_DENY", None),
    ("acls", "h-out", "198.51.100.5", "tcp", 443, ALLOW, None, "igw"),
    ("acls", "198.51.100.5", "h-out", "tcp", 22, ALLOW, None, None),  # reply from 22
    ("acls", "h-out", "h-deny", "tcp", 443, ALLOW, None, None),
    ("acls", "h-eph", "198.51.100.5", "tcp", 443, ALLOW, None, None),  # replies only to 32768-65535
    ("acls", "h-eph", "h-out", "tcp", 443, ALLOW, None, None),
    ("acls", "h-eph", "198.51.100.5", "tcp", 80, DENY, "ACL_OUTBOUND_DENY", None),
    ("acls", "198.51.100.5", "h-eph", "tcp", 443, DENY, "ACL_INBOUND_DENY", None),
    ("acls", "h-out", "h-eph", "tcp", 443, DENY, "ACL_INBOUND_DENY", None),
    ("acls", "h-holes", "198.51.100.5", "tcp", 443, ALLOW, None, None),  # 5000-59999 remain
    ("acls", "203.0.113.5", "h-holes", "tcp", 443, DENY, "ACL_RETURN_DENY", None),  # out: 443 only
    # -- routes: longest prefix, local > static > propagated, blackholes
    ("routes", "x1", "y1", "tcp", 443, ALLOW, None, "ab"),  # /24 via ab beats /16 blackhole
    ("routes", "x1", "y2", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # only the /16 matches
    ("routes", "x1", "203.0.113.9", "tcp", 443, ALLOW, None, "igw"),
    ("routes", "x1", "198.51.100.9", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # /24 beats /0
    ("routes", "x1", "h0", "tcp", 443, ALLOW, None, "dc-vpn"),  # propagated /24 beats static /16
    ("routes", "x1", "h1", "tcp", 443, ALLOW, None, "dc-vpn"),
    ("routes", "x2", "h1", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # equal /24: static wins
    ("routes", "x2", "h2", "tcp", 443, ALLOW, None, "vgw"),
    ("routes", "x3", "h1", "tcp", 443, ALLOW, None, "dc-vpn"),  # the same prefix, propagated only
    ("routes", "h1", "x2", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # on the reply
    ("routes", "y1", "x1", "tcp", 443, ALLOW, None, "ab"),
    ("routes", "x1", "x2", "tcp", 443, ALLOW, None, None),  # local beats static 10.1.0.0/16 via x3
    # -- stopped instances
    ("stopped", "down", "up", "tcp", 22, DENY, "INSTANCE_STOPPED", None),
    ("stopped", "up", "down", "tcp", 22, DENY, "INSTANCE_STOPPED", None),
    ("stopped", "up", "down", "icmp", None, DENY, "INSTANCE_STOPPED", None),
    ("stopped", "back", "internet", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # via 'down'
    ("stopped", "back", "up", "tcp", 22, ALLOW, None, None),  # the local route is unaffected
    # -- NAT instances and gateways
    ("nat", "w-check", "internet", "tcp", 443, DENY, "SOURCE_DEST_CHECK", None),
    ("nat", "w-nopub", "internet", "tcp", 443, DENY, "NO_PUBLIC_IP", None),
    ("nat", "w-stuck", "internet", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("nat", "w-good", "internet", "tcp", 443, ALLOW, None, "good-nat"),
    ("nat", "w-priv", "internet", "tcp", 443, DENY, "NO_PUBLIC_IP", None),  # a private NAT GW
    ("nat", "internet", "w-good", "tcp", 443, DENY, "NO_PUBLIC_IP", None),
    # A NAT gateway answers nothing, neither at its Elastic IP nor at its private address.
    ("nat", "internet", "good-nat", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("nat", "w-good", "good-nat", "icmp", None, DENY, "NO_INTERFACE", None),
    # -- peering
    ("peering", "ha", "hb", "tcp", 443, ALLOW, None, "ab"),
    ("peering", "ha", "hc", "tcp", 443, DENY, "PEERING_NOT_TRANSITIVE", None),
    ("peering", "hc", "ha", "tcp", 443, DENY, "PEERING_NOT_TRANSITIVE", None),
    ("peering", "hb", "hc", "tcp", 443, ALLOW, None, "bc"),
    ("peering", "ha", "internet", "tcp", 443, DENY, "PEERING_NOT_TRANSITIVE", None),  # b's igw
    ("peering", "ha", "hd", "tcp", 443, ALLOW, None, "ad"),  # across regions
    ("peering", "hd", "ha", "tcp", 443, ALLOW, None, "ad"),
    ("peering", "ha", "hd2", "tcp", 443, DENY, "NO_RETURN_ROUTE", None),
    ("peering", "hd2", "ha", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    # -- transit gateway
    # -- the transit gateway attachment subnet's network ACL
    ("tgw-acl", "s1a", "app1", "tcp", 443, ALLOW, None, "tgw"),
    ("tgw-acl", "s1a", "db1", "tcp", 443, DENY, "ACL_OUTBOUND_DENY", None),  # att outbound
    ("tgw-acl", "db1", "s1a", "tcp", 443, DENY, "ACL_RETURN_DENY", None),  # the reply, same rule
    ("tgw-acl", "web1", "s1a", "tcp", 443, DENY, "ACL_INBOUND_DENY", None),  # att inbound
    ("tgw-acl", "s1a", "web1", "tcp", 443, DENY, "ACL_RETURN_DENY", None),
    ("tgw-acl", "att1", "s1a", "tcp", 443, ALLOW, None, "tgw"),  # the attachment's own subnet
    ("tgw-acl", "s1a", "att1", "tcp", 443, ALLOW, None, "tgw"),
    ("tgw", "sp1", "hub-a", "tcp", 443, ALLOW, None, "tgw"),
    ("tgw", "hub-a", "sp1", "tcp", 443, ALLOW, None, "tgw"),
    ("tgw", "sp1", "sp2", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # in the TGW route table
    ("tgw", "lone", "hub-a", "tcp", 443, DENY, "TGW_NO_ROUTE", None),
    ("tgw", "hub-b", "sp1", "tcp", 443, DENY, "TGW_AZ_RESTRICTION", None),  # us-east-1b
    ("tgw", "sp1", "hub-b", "tcp", 443, DENY, "TGW_AZ_RESTRICTION", None),  # the reply
    ("tgw", "sp1", "dc-host", "tcp", 443, ALLOW, None, "dc-vpn"),  # a BGP VPN attachment
    ("tgw", "dc-host", "sp1", "tcp", 443, ALLOW, None, "tgw"),
    ("tgw", "hub-a", "dc-host", "tcp", 443, DENY, "TGW_NO_ROUTE", None),  # hub-rt lacks the hub
    ("tgw", "dc-host", "hub-a", "tcp", 443, DENY, "TGW_NO_ROUTE", None),
    ("tgw", "hub-p", "sp1-pnat", "tcp", 443, ALLOW, None, "pnat"),  # seen from the NAT's subnet
    ("tgw", "hub-p", "sp1", "tcp", 443, ALLOW, None, "pnat"),
    ("tgw", "hub-a", "sp1-pnat", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),
    # A public NAT gateway routed to a transit gateway sends from its private address;
    # only the internet gateway maps it to the Elastic IP.
    ("tgw", "hub-q", "sp1-pubnat", "tcp", 443, ALLOW, None, "pubnat"),
    ("tgw", "hub-q", "sp1-pnat", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),
    # -- a gateway endpoint is not reachable from outside its VPC
    ("tgw-endpoint", "h", "s3", "tcp", 443, ALLOW, None, "s3gw"),
    ("tgw-endpoint", "sp", "s3", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("tgw-endpoint", "pp", "s3", "tcp", 443, DENY, "PEERING_NOT_TRANSITIVE", None),
    # -- site-to-site VPN with static prefixes
    ("vpn", "app", "carried", "tcp", 22, ALLOW, None, "office-vpn"),
    ("vpn", "carried", "app", "tcp", 22, ALLOW, None, "vgw"),
    ("vpn", "app", "missed", "tcp", 22, DENY, "VPN_PREFIX_NOT_CARRIED", None),  # static /16 to vgw
    ("vpn", "missed", "app", "tcp", 22, DENY, "VPN_PREFIX_NOT_CARRIED", None),  # on the reply
    ("vpn", "alone", "carried", "tcp", 22, DENY, "GATEWAY_NO_ROUTE", "vgw2"),  # vgw2 has no VPN
    ("vpn", "carried", "alone", "tcp", 22, DENY, "NO_ROUTE_TO_DESTINATION", None),  # nor a route in
    ("vpn", "app2", "carried", "tcp", 22, ALLOW, None, "office-vpn"),
    ("vpn", "app2", "missed", "tcp", 22, DENY, "NO_ROUTE_TO_DESTINATION", None),  # not propagated
    ("vpn", "missed", "app2", "tcp", 22, DENY, "NO_RETURN_ROUTE", None),
    ("vpn", "carried", "lost", "tcp", 22, DENY, "NO_RETURN_ROUTE", None),  # no propagation
    ("vpn", "lost", "carried", "tcp", 22, DENY, "NO_ROUTE_TO_DESTINATION", None),
    # -- IPv6 and the egress-only gateway
    ("ipv6", "job", "2606:4700::1111", "tcp", 443, ALLOW, None, "eigw"),
    ("ipv6", "job", "internet", "tcp", 443, ALLOW, None, "eigw"),
    ("ipv6", "2606:4700::1111", "job", "tcp", 443, DENY, "EGRESS_ONLY", None),
    ("ipv6", "2606:4700::1111", "site", "tcp", 443, ALLOW, None, "igw"),
    ("ipv6", "job", "1.1.1.1", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("ipv6", "job", "site", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),  # by name: IPv4
    ("ipv6", "job", "2600:1f18:aa00:2::4", "tcp", 443, ALLOW, None, None),  # site's IPv6
    # the protocol chooses the address family: ICMP is IPv4's, ICMPv6 IPv6's
    ("ipv6", "job", "2606:4700::1111", "icmpv6", None, ALLOW, None, "eigw"),
    ("ipv6", "job", "2606:4700::1111", "icmp", None, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("public", "client", "internet", "icmpv6", None, DENY, "NO_ROUTE_TO_DESTINATION", None),
    # -- public and Elastic IPs
    ("public", "198.51.100.1", "54.20.0.1", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),
    ("public", "client", "54.20.0.1", "tcp", 443, ALLOW, None, "igw-b"),  # SG sees 54.10.0.1
    ("public", "client", "54.20.0.2", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),  # private
    ("public", "nopub", "54.20.0.1", "tcp", 443, DENY, "NO_PUBLIC_IP", None),
    ("public", "198.51.100.1", "54.10.0.1", "tcp", 443, ALLOW, None, "igw-a"),
    ("public", "internet", "client", "tcp", 443, ALLOW, None, "igw-a"),
    # 54.10.0.1 is client's address, not an internet host's: 'internet' may not borrow it.
    ("public", "internet", "server", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),
    ("public", "internet", "nopub", "tcp", 443, DENY, "NO_PUBLIC_IP", None),
    ("public", "internet", "hidden", "tcp", 443, DENY, "NO_RETURN_ROUTE", "igw-a"),
    ("public", "hidden", "internet", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    # -- VPC endpoints
    ("endpoints", "wa", "dynamodb", "tcp", 443, ALLOW, None, "ddb"),
    ("endpoints", "wb", "dynamodb", "tcp", 443, ALLOW, None, "ddb"),
    ("endpoints", "wc", "dynamodb", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("endpoints", "wb", "sqs", "tcp", 443, ALLOW, None, "sqs-if"),  # endpoint in us-east-1a
    ("endpoints", "wc", "sqs", "tcp", 443, ALLOW, None, "sqs-if"),
    ("endpoints", "wa", "internet", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("endpoints", "wa", "s3", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),  # no s3 endpoint
    # -- §9: the subnet's route table picks the gateway endpoint; the others use the
    # interface endpoint; from outside the VPC, the interface endpoint before the internet
    ("endpoint-reach", "in-gw", "s3", "tcp", 443, ALLOW, None, "s3-gw"),
    ("endpoint-reach", "in-ep", "s3", "tcp", 443, ALLOW, None, "s3-if"),
    ("endpoint-reach", "in-gw", "10.80.3.50", "tcp", 443, ALLOW, None, "s3-if"),  # by address
    ("endpoint-reach", "h1", "s3", "tcp", 443, ALLOW, None, "s3-if"),  # over the VPN
    ("endpoint-reach", "h2", "s3", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),
    ("endpoint-reach", "h3", "s3", "tcp", 443, DENY, "ACL_INBOUND_DENY", None),
    ("endpoint-reach", "h1", "10.80.3.50", "tcp", 443, ALLOW, None, "s3-if"),
    ("endpoint-reach", "h2", "10.80.3.50", "tcp", 443, DENY, "SG_INGRESS_MISMATCH", None),
    ("endpoint-reach", "h1", "sqs", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("endpoint-reach", "sp", "s3", "tcp", 443, ALLOW, None, "hub-spoke"),  # over the peering
    ("endpoint-reach", "sp", "s3", "tcp", 443, ALLOW, None, "s3-if"),
    ("endpoint-reach", "sp", "sqs", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("endpoint-reach", "tgi", "s3", "tcp", 443, ALLOW, None, "s3-if"),  # across the TGW
    ("endpoint-reach", "tgi", "s3", "tcp", 80, DENY, "SG_INGRESS_MISMATCH", None),
    ("endpoint-reach", "lo", "s3", "tcp", 443, ALLOW, None, "igw"),  # no route to hub
    ("endpoint-reach", "lo", "10.80.3.50", "tcp", 443, DENY, "NO_ROUTE_TO_DESTINATION", None),
    # -- an interface endpoint answers TCP 443 and 80 only, and opens nothing
    ("endpoint-ports", "c", "10.60.1.50", "tcp", 443, ALLOW, None, "sqs-if"),
    ("endpoint-ports", "c", "10.60.1.50", "tcp", 80, ALLOW, None, "sqs-if"),
    ("endpoint-ports", "c", "10.60.1.50", "tcp", 22, DENY, "NO_INTERFACE", None),
    ("endpoint-ports", "c", "10.60.1.50", "udp", 443, DENY, "NO_INTERFACE", None),
    ("endpoint-ports", "c", "10.60.1.50", "icmp", None, DENY, "NO_INTERFACE", None),
    ("endpoint-ports", "c", "sqs", "tcp", 22, DENY, "NO_INTERFACE", None),  # by its service
    ("endpoint-ports", "c", "sqs", "tcp", 443, ALLOW, None, "sqs-if"),
    # -- ports by service (SES SMTP, CodeCommit's Git, Keyspaces), or as written
    ("endpoint-ports", "c", "10.60.1.70", "tcp", 587, ALLOW, None, "smtp-if"),
    ("endpoint-ports", "c", "10.60.1.70", "tcp", 2465, ALLOW, None, "smtp-if"),
    ("endpoint-ports", "c", "10.60.1.70", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("endpoint-ports", "c", "10.60.1.71", "tcp", 22, ALLOW, None, "git-if"),
    ("endpoint-ports", "c", "10.60.1.71", "tcp", 80, DENY, "NO_INTERFACE", None),
    ("endpoint-ports", "c", "10.60.1.72", "tcp", 9142, ALLOW, None, "cql-if"),
    ("endpoint-ports", "c", "10.60.1.72", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("endpoint-ports", "c", "10.60.1.73", "tcp", 9001, ALLOW, None, "own-if"),
    ("endpoint-ports", "c", "10.60.1.73", "tcp", 443, DENY, "NO_INTERFACE", None),
    (
        "endpoint-ports",
        "c",
        "10.60.1.60",
        "tcp",
        22,
        DENY,
        "SG_INGRESS_MISMATCH",
        None,
    ),  # group first
    ("endpoint-ports", "10.60.1.50", "c", "tcp", 22, DENY, "NO_INTERFACE", None),  # opens nothing
    ("endpoint-ports", "10.60.1.50", "c", "tcp", 443, DENY, "NO_INTERFACE", None),
    # -- 'internet' as "some internet host", and VPC addresses nothing holds
    ("addresses", "resolver", "internet", "tcp", 53, ALLOW, None, "igw"),  # 8.8.8.0/24 works
    ("addresses", "resolver", "9.9.9.9", "tcp", 53, DENY, "SG_EGRESS_MISMATCH", None),
    ("addresses", "nothing", "internet", "tcp", 53, DENY, "SG_EGRESS_MISMATCH", None),
    ("addresses", "acl-host", "internet", "tcp", 53, ALLOW, None, "igw"),  # 1.1.1.0/24 works
    ("addresses", "acl-host", "8.8.8.8", "tcp", 53, DENY, "ACL_OUTBOUND_DENY", None),
    ("addresses", "resolver", "10.70.1.200", "tcp", 53, DENY, "SG_EGRESS_MISMATCH", None),
    # nothing answers at an address no network interface holds, nor sends from it (§9)
    ("addresses", "plain", "10.70.1.200", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("addresses", "10.70.1.200", "plain", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("addresses", "plain", "10.70.9.9", "tcp", 443, DENY, "NO_INTERFACE", None),  # no subnet
    ("addresses", "10.70.9.9", "plain", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("addresses", "nothing", "plain", "tcp", 53, ALLOW, None, None),  # an address held
    ("addresses", "acl-host", "10.70.1.200", "tcp", 443, DENY, "ACL_OUTBOUND_DENY", None),
    ("addresses", "plain", "10.70.2.200", "tcp", 53, DENY, "ACL_INBOUND_DENY", None),
    # a NAT gateway translates what routes send through it, and answers nothing sent to it
    ("addresses", "behind", "internet", "tcp", 443, ALLOW, None, "nat"),
    ("addresses", "behind", "nat", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("addresses", "behind", "10.70.1.100", "tcp", 80, DENY, "NO_INTERFACE", None),  # its ip
    ("addresses", "behind", "10.70.1.101", "tcp", 80, DENY, "NO_INTERFACE", None),  # unused
    ("addresses", "plain", "10.70.1.100", "icmp", None, DENY, "NO_INTERFACE", None),
    ("addresses", "internet", "203.0.113.70", "tcp", 443, DENY, "NO_INTERFACE", None),  # its EIP
    ("addresses", "internet", "nat", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("addresses", "nat", "plain", "tcp", 443, ALLOW, None, None),  # it sends from its ip
    ("addresses", "nat", "10.70.0.2", "udp", 53, DENY, "RESOLVER_OUTSIDE_VPC", None),  # no instance
    ("addresses", "plain", "10.70.0.2", "udp", 53, ALLOW, None, "amazon-dns"),
    # -- services that need no route (§9), not filtered by groups or ACLs
    ("local", "locked", "169.254.169.253", "udp", 53, ALLOW, None, "amazon-dns"),
    ("local", "locked", "10.90.0.2", "udp", 53, ALLOW, None, "amazon-dns"),  # VPC+2
    ("local", "locked", "10.90.0.2", "tcp", 53, ALLOW, None, "amazon-dns"),
    ("local", "locked", "10.90.0.2", "tcp", 80, DENY, "NO_INTERFACE", None),  # only 53
    ("local", "locked", "10.90.1.2", "udp", 53, DENY, "SG_EGRESS_MISMATCH", None),  # subnet+2
    ("local", "open", "10.90.1.2", "udp", 53, DENY, "ACL_INBOUND_DENY", None),  # ACL first
    ("local", "open", "10.90.2.2", "udp", 53, DENY, "NO_INTERFACE", None),  # is no resolver
    ("local", "locked", "169.254.169.254", "tcp", 80, ALLOW, None, "instance-metadata"),
    ("local", "locked", "169.254.169.254", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("local", "locked", "169.254.169.123", "udp", 123, ALLOW, None, "time-sync"),
    ("local", "locked", "169.254.169.123", "tcp", 123, DENY, "NO_INTERFACE", None),
    ("local", "locked", "169.254.1.1", "tcp", 80, DENY, "NO_INTERFACE", None),  # nothing there
    ("local", "locked", "open", "tcp", 22, DENY, "SG_EGRESS_MISMATCH", None),  # groups do filter
    ("local", "open", "locked", "tcp", 22, DENY, "ACL_INBOUND_DENY", None),  # and ACLs do
    ("local", "off", "169.254.169.254", "tcp", 80, DENY, "INSTANCE_STOPPED", None),
    ("local", "peer", "10.91.0.2", "udp", 53, ALLOW, None, "amazon-dns"),  # its own VPC+2
    ("local", "peer", "10.90.0.2", "udp", 53, DENY, "RESOLVER_OUTSIDE_VPC", "ab"),  # peered
    ("local", "peer", "open", "udp", 53, ALLOW, None, "ab"),  # the peering carries it
    ("local", "h", "10.90.0.2", "udp", 53, DENY, "RESOLVER_OUTSIDE_VPC", "tun"),  # a site
    ("local", "h", "open", "udp", 53, ALLOW, None, "tun"),
    ("local", "h", "169.254.169.254", "tcp", 80, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("local", "internet", "169.254.169.254", "tcp", 80, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("local", "10.90.0.2", "open", "udp", 53, DENY, "NO_INTERFACE", None),  # sends nothing
    # dns-support off: the Amazon resolver does not answer, at either address; the
    # metadata service still does (the resolver of 'locked', dns-support on, answers).
    ("local", "nodns", "10.92.0.2", "udp", 53, DENY, "DNS_DISABLED", None),
    ("local", "nodns", "169.254.169.253", "udp", 53, DENY, "DNS_DISABLED", None),
    ("local", "nodns", "169.254.169.254", "tcp", 80, ALLOW, None, "instance-metadata"),
    # -- the IPv6 twins (§9): as the IPv4 addresses, unfiltered, unrouted, on the host
    ("local6", "locked6", "fd00:ec2::253", "udp", 53, ALLOW, None, "amazon-dns"),
    ("local6", "locked6", "fd00:ec2::253", "tcp", 53, ALLOW, None, "amazon-dns"),
    ("local6", "locked6", "fd00:ec2::253", "tcp", 80, DENY, "NO_INTERFACE", None),  # only 53
    ("local6", "locked6", "fd00:ec2::254", "tcp", 80, ALLOW, None, "instance-metadata"),
    ("local6", "locked6", "fd00:ec2::254", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("local6", "locked6", "fd00:ec2::123", "udp", 123, ALLOW, None, "time-sync"),
    ("local6", "locked6", "fd00:ec2::123", "tcp", 123, DENY, "NO_INTERFACE", None),
    ("local6", "locked6", "fe80::1", "tcp", 80, DENY, "NO_INTERFACE", None),  # link-local
    ("local6", "locked6", "2001:db8:9300::4", "tcp", 22, DENY, "SG_EGRESS_MISMATCH", None),
    ("local6", "open6", "2001:db8:9300:1::4", "tcp", 22, DENY, "ACL_INBOUND_DENY", None),
    ("local6", "open6", "2606:4700::1", "tcp", 443, ALLOW, None, "igw"),  # it is routed
    ("local6", "off6", "fd00:ec2::254", "tcp", 80, DENY, "INSTANCE_STOPPED", None),
    ("local6", "v4only", "fd00:ec2::123", "udp", 123, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("local6", "v4only", "169.254.169.123", "udp", 123, ALLOW, None, "time-sync"),
    ("local6", "2606:4700::1", "fd00:ec2::254", "tcp", 80, DENY, "NO_ROUTE_TO_DESTINATION", None),
    ("local6", "2606:4700::1", "open6", "tcp", 80, ALLOW, None, "igw"),
    ("local6", "nodns6", "fd00:ec2::253", "udp", 53, DENY, "DNS_DISABLED", None),
    ("local6", "nodns6", "fd00:ec2::254", "tcp", 80, ALLOW, None, "instance-metadata"),
    # -- loops (§9): dropped at the first hop crossed twice
    ("loops", "app", "internet", "tcp", 443, DENY, "ROUTING_LOOP", None),
    ("loops", "na", "internet", "tcp", 443, DENY, "ROUTING_LOOP", None),
    ("loops", "app2", "internet", "tcp", 443, ALLOW, None, "naty"),  # the same shape, no loop
    ("loops", "app", "natx", "tcp", 22, ALLOW, None, None),  # the local route
    ("tgw-loop", "x", "10.9.0.1", "tcp", 22, DENY, "ROUTING_LOOP", None),  # b sends it back
    ("tgw-loop", "x", "y", "tcp", 22, ALLOW, None, "tgw"),
    # -- down (§9 State): out of every path; routes to it are blackholes
    ("down", "a", "internet", "tcp", 443, DENY, "BLACKHOLE_ROUTE", None),  # NAT gateway down
    ("down", "b", "internet", "tcp", 443, ALLOW, None, "nat2"),
    ("down", "a", "h", "tcp", 22, DENY, "BLACKHOLE_ROUTE", None),  # propagation withdrawn
    ("down", "b", "h", "tcp", 22, DENY, "GATEWAY_NO_ROUTE", "vgw"),  # static route, VPN down
    ("down", "b", "h2", "tcp", 22, ALLOW, None, "tun2"),
    ("down", "h", "b", "tcp", 22, DENY, "NO_ROUTE_TO_DESTINATION", "tun"),
    ("down", "h2", "b", "tcp", 22, ALLOW, None, "tun2"),
    ("down", "b", "c", "tcp", 22, DENY, "INSTANCE_STOPPED", None),  # instance down
    ("down", "c", "b", "tcp", 22, DENY, "INSTANCE_STOPPED", None),
    ("down", "a", "b", "tcp", 22, ALLOW, None, None),
    ("down", "b", "10.99.0.1", "tcp", 22, DENY, "BLACKHOLE_ROUTE", None),  # via the instance
    ("down", "nat", "internet", "tcp", 443, DENY, "NO_INTERFACE", None),
    ("down", "nat2", "internet", "tcp", 443, ALLOW, None, None),
    ("down", "t", "h3", "tcp", 22, DENY, "TGW_NO_ROUTE", None),  # propagation withdrawn
    ("down", "t", "h4", "tcp", 22, DENY, "BLACKHOLE_ROUTE", None),  # static route, VPN down
    ("down", "t", "h5", "tcp", 22, ALLOW, None, "tv3"),
]

#: The codes that can only be the first drop of one leg (the others can be on either).
FORWARD_ONLY = {
    "NO_ROUTE_TO_DESTINATION",
    "SG_EGRESS_MISMATCH",
    "SG_INGRESS_MISMATCH",
    "ACL_OUTBOUND_DENY",
    "ACL_INBOUND_DENY",
    "INSTANCE_STOPPED",
    "NO_INTERFACE",
    "RESOLVER_OUTSIDE_VPC",
}
RETURN_ONLY = {"NO_RETURN_ROUTE", "ACL_RETURN_DENY", "EGRESS_ONLY"}


def case_id(case: Case) -> str:
    net, src, dst, proto, port, verdict, code, _via = case
    return f"{net}:{src}->{dst}:{proto}{'' if port is None else port}:{code or verdict}"


@cache
def network(name: str) -> Network:
    compiled = api.compile(NETWORKS[name], f"<{name}>")
    errors = [d for d in compiled.diagnostics if d.is_error]
    assert compiled.network is not None and not errors, errors
    return compiled.network


def run(net: str, src: str, dst: str, proto: str, port: int | None) -> Trace:
    query = parse_query(network(net), src, dst, proto, None if port is None else str(port))
    assert not isinstance(query, list), [d.message for d in query]
    return trace(network(net), query)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_network_compiles(name: str) -> None:
    network(name)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_path(case: Case) -> None:
    net, src, dst, proto, port, verdict, code, via = case
    t = run(net, src, dst, proto, port)
    got = (t.verdict.value, t.code.value if t.code else None)
    assert got == (verdict, code), t.reason
    if via is not None:
        assert t.crosses(via), [h.name for h in (*t.forward, *t.reverse)]
    if t.allowed:
        assert t.leg is None and t.reverse, "an allowed path has a reply"
        return
    assert t.leg is not None and t.reason
    assert t.leg is not Leg.FORWARD or not t.reverse, "no reply walked after a forward drop"
    if code in FORWARD_ONLY:
        assert t.leg is Leg.FORWARD
    if code in RETURN_ONLY:
        assert t.leg is Leg.RETURN
    hop = t.drop_hop
    assert hop is not None and not hop.steps[-1].ok, "the last hop of the leg names the drop"


#: Source ports a connection works from: the reply's ACLs narrow 1024-65535 (§4).
SOURCE_PORTS = [
    ("acls", "h-out", "198.51.100.5", 443, ["1024-65535"]),
    ("acls", "h-eph", "198.51.100.5", 443, ["32768-65535"]),
    ("acls", "h-eph", "h-out", 443, ["32768-65535"]),
    ("acls", "h-holes", "198.51.100.5", 443, ["5000-59999"]),
    ("acls", "198.51.100.5", "h-deny", 443, ["1024-65535"]),  # outbound 1024-65535 allows all
]


def test_the_resolver_says_why_it_does_not_answer() -> None:
    """A NAT gateway of the resolver's own VPC is no instance; from another VPC, AWS's way
    in is an inbound endpoint: each sentence says its own reason, never the other's."""
    own = run("addresses", "nat", "10.70.0.2", "udp", 53).reason
    assert "NAT gateway 'nat' is in that VPC, but is no instance" in own
    assert "inbound endpoint" not in own
    peered = run("local", "peer", "10.90.0.2", "udp", 53).reason
    assert "use a Route 53 Resolver inbound endpoint" in peered
    assert "no instance" not in peered


@pytest.mark.parametrize(("net", "src", "dst", "port", "ports"), SOURCE_PORTS)
def test_source_ports(net: str, src: str, dst: str, port: int, ports: list[str]) -> None:
    t = run(net, src, dst, "tcp", port)
    assert t.allowed, t.reason
    assert [str(r) for r in t.source_ports] == ports


#: When an endpoint stands for many addresses, the one that works is named (§3).
CHOSEN_ADDRESSES = [
    ("addresses", "resolver", "internet", 53, "8.8.8.0/24"),
    ("addresses", "acl-host", "internet", 53, "1.1.1.0/24"),
    ("ipv6", "job", "internet", 443, "::/0"),
]


@pytest.mark.parametrize(("net", "src", "dst", "port", "within"), CHOSEN_ADDRESSES)
def test_internet_address_that_works(net: str, src: str, dst: str, port: int, within: str) -> None:
    import ipaddress

    t = run(net, src, dst, "tcp", port)
    assert t.allowed
    assert ipaddress.ip_address(t.destination_address) in ipaddress.ip_network(within)


#: Endpoints every network is asked about, besides its own instances, NAT gateways and hosts.
EVERYWHERE = [
    *("internet", "s3", "dynamodb", "sns", "198.51.100.9", "2606:4700::1"),
    *("169.254.169.253", "169.254.169.254", "169.254.169.123", "169.254.9.9"),
    *("fd00:ec2::253", "fd00:ec2::254", "fd00:ec2::123", "fe80::9"),
]
SPEC_EXAMPLES = sorted((Path(__file__).parents[1] / "spec" / "examples").glob("*.nd"))
EVERY_TEXT = {**NETWORKS, **{p.stem: p.read_text("utf-8") for p in SPEC_EXAMPLES}}


def endpoints(net: Network) -> list[str]:
    found = list(EVERYWHERE)
    for vpc in net.vpcs.values():
        found += [*vpc.instances, *vpc.nat_gateways]
        found += [str(i.public_ip) for i in vpc.instances.values() if i.public_ip]
        found += [str(i.ipv6) for i in vpc.instances.values() if i.ipv6]
        first = next(iter(vpc.subnets.values()))
        found.append(str(first.cidr.network_address + 200))  # held by nothing
        found.append(str(vpc.cidrs[0].network_address + 2))  # the VPC+2 resolver
    for site in net.sites.values():
        found += list(site.hosts)
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("name", sorted(EVERY_TEXT))
def test_every_query_has_an_answer(name: str) -> None:
    """Every pair of endpoints gets a verdict, never an exception; a drop is explained."""
    compiled = api.compile(EVERY_TEXT[name], f"<{name}>")
    net = compiled.network
    assert net is not None
    places = endpoints(net)
    for src in places:
        for dst in places:
            for proto in (("tcp", "443"), ("icmp",)):
                query = parse_query(net, src, dst, *proto)
                if isinstance(query, list):  # e.g. the same thing twice by two names
                    continue
                t = trace(net, query)
                assert (t.code is None) == t.allowed, (src, dst, proto)
                if t.allowed:
                    continue
                assert t.reason and t.leg is not None, (src, dst, proto)
                if t.forward or t.reverse:  # an endpoint that cannot exist drops before any hop
                    hop = t.drop_hop
                    assert hop is not None and not hop.steps[-1].ok, (src, dst, proto)
