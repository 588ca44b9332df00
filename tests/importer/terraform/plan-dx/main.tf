# Direct Connect for netdraft's tests, after examples/components/direct-connect.nd: a data
# centre on two dedicated connections at two locations, one DX gateway for the VPN gateways
# of two regions; a LAG with a transit VIF to a second DX gateway associated with a transit
# gateway; hosted VIFs a partner made for this account, accepted here; a public VIF. The
# plan.json beside it is `terraform show -json` of `terraform plan` of this file (no account
# needed: nothing is read from AWS).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

provider "aws" {
  alias                       = "eu"
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

# ---- us-east-1: the app VPC behind its VPN gateway --------------------------------------

resource "aws_vpc" "app" {
  cidr_block = "10.10.0.0/16"
  tags       = { Name = "app" }
}

resource "aws_vpn_gateway" "app" {
  vpc_id = aws_vpc.app.id
  tags   = { Name = "app-vgw" }
}

resource "aws_subnet" "app_private_a" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.10.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "private-a" }
}

resource "aws_route_table" "app_private" {
  vpc_id           = aws_vpc.app.id
  propagating_vgws = [aws_vpn_gateway.app.id]
  tags             = { Name = "private" }
}

resource "aws_route_table_association" "app_private_a" {
  subnet_id      = aws_subnet.app_private_a.id
  route_table_id = aws_route_table.app_private.id
}

resource "aws_security_group" "app" {
  name   = "app-sg"
  vpc_id = aws_vpc.app.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["192.168.0.0/16"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "api" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app_private_a.id
  private_ip             = "10.10.1.10"
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = { Name = "api" }
}

# ---- eu-west-1: the reports VPC behind its VPN gateway ----------------------------------

resource "aws_vpc" "reports" {
  provider   = aws.eu
  cidr_block = "10.20.0.0/16"
  tags       = { Name = "reports" }
}

resource "aws_vpn_gateway" "reports" {
  provider = aws.eu
  vpc_id   = aws_vpc.reports.id
  tags     = { Name = "reports-vgw" }
}

resource "aws_subnet" "reports_private_a" {
  provider          = aws.eu
  vpc_id            = aws_vpc.reports.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "eu-west-1a"
  tags              = { Name = "private-a" }
}

resource "aws_route_table" "reports_private" {
  provider = aws.eu
  vpc_id   = aws_vpc.reports.id
  tags     = { Name = "private" }
}

resource "aws_vpn_gateway_route_propagation" "reports" {
  provider       = aws.eu
  vpn_gateway_id = aws_vpn_gateway.reports.id
  route_table_id = aws_route_table.reports_private.id
}

resource "aws_route_table_association" "reports_private_a" {
  provider       = aws.eu
  subnet_id      = aws_subnet.reports_private_a.id
  route_table_id = aws_route_table.reports_private.id
}

resource "aws_security_group" "db" {
  provider = aws.eu
  name     = "db-sg"
  vpc_id   = aws_vpc.reports.id
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["192.168.0.0/16", "10.10.0.0/16"]
  }
}

resource "aws_instance" "warehouse" {
  provider               = aws.eu
  ami                    = "ami-0d64bb532e0502c46"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.reports_private_a.id
  private_ip             = "10.20.1.10"
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = { Name = "warehouse" }
}

# ---- Direct Connect: two locations, one DX gateway for both VPN gateways -----------------

resource "aws_dx_connection" "dx1" {
  name      = "dx1"
  bandwidth = "1Gbps"
  location  = "EqDC2"
}

resource "aws_dx_connection" "dx2" {
  name      = "dx2"
  bandwidth = "1Gbps"
  location  = "CSVA1"
}

resource "aws_dx_gateway" "corp" {
  name            = "corp-dxgw"
  amazon_side_asn = "64512"
}

resource "aws_dx_gateway_association" "app" {
  dx_gateway_id         = aws_dx_gateway.corp.id
  associated_gateway_id = aws_vpn_gateway.app.id
}

resource "aws_dx_gateway_association" "reports" {
  provider              = aws.eu
  dx_gateway_id         = aws_dx_gateway.corp.id
  associated_gateway_id = aws_vpn_gateway.reports.id
  allowed_prefixes      = ["10.20.0.0/16"]
}

resource "aws_dx_private_virtual_interface" "v1" {
  connection_id  = aws_dx_connection.dx1.id
  dx_gateway_id  = aws_dx_gateway.corp.id
  name           = "v1"
  vlan           = 101
  address_family = "ipv4"
  bgp_asn        = 65000
}

resource "aws_dx_private_virtual_interface" "v2" {
  connection_id  = aws_dx_connection.dx2.id
  dx_gateway_id  = aws_dx_gateway.corp.id
  name           = "v2"
  vlan           = 102
  address_family = "ipv4"
  bgp_asn        = 65000
}

# A public VIF reaches AWS's public services: the language has none.
resource "aws_dx_public_virtual_interface" "public" {
  connection_id         = aws_dx_connection.dx1.id
  name                  = "public"
  vlan                  = 103
  address_family        = "ipv4"
  bgp_asn               = 65000
  customer_address      = "203.0.113.1/30"
  amazon_address        = "203.0.113.2/30"
  route_filter_prefixes = ["203.0.113.0/24"]
}

# ---- A transit gateway behind a LAG's transit VIF ----------------------------------------

resource "aws_vpc" "shared" {
  cidr_block = "10.30.0.0/16"
  tags       = { Name = "shared" }
}

resource "aws_subnet" "shared_a" {
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.30.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "shared-a" }
}

resource "aws_route_table" "shared" {
  vpc_id = aws_vpc.shared.id
  tags   = { Name = "shared" }
}

resource "aws_route" "shared_onprem" {
  route_table_id         = aws_route_table.shared.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
}

resource "aws_route_table_association" "shared_a" {
  subnet_id      = aws_subnet.shared_a.id
  route_table_id = aws_route_table.shared.id
}

resource "aws_security_group" "tools" {
  name   = "tools-sg"
  vpc_id = aws_vpc.shared.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "tools" {
  ami                    = "ami-0c02fb55956c7d316"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.shared_a.id
  private_ip             = "10.30.1.10"
  vpc_security_group_ids = [aws_security_group.tools.id]
  tags                   = { Name = "tools" }
}

resource "aws_ec2_transit_gateway" "hub" {
  tags = { Name = "hub" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.shared.id
  subnet_ids         = [aws_subnet.shared_a.id]
}

resource "aws_dx_lag" "lag1" {
  name                  = "lag1"
  connections_bandwidth = "10Gbps"
  location              = "EqDC2"
}

resource "aws_dx_gateway" "transit" {
  name            = "transit-dxgw"
  amazon_side_asn = "64513"
}

resource "aws_dx_gateway_association" "hub" {
  dx_gateway_id         = aws_dx_gateway.transit.id
  associated_gateway_id = aws_ec2_transit_gateway.hub.id
  allowed_prefixes      = ["10.30.0.0/16"]
}

resource "aws_dx_transit_virtual_interface" "t1" {
  connection_id  = aws_dx_lag.lag1.id
  dx_gateway_id  = aws_dx_gateway.transit.id
  name           = "t1"
  vlan           = 201
  address_family = "ipv4"
  bgp_asn        = 65000
}

# ---- Hosted VIFs a partner made on its connection, accepted by this account -------------

provider "aws" {
  alias                       = "partner"
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_dx_hosted_private_virtual_interface" "h1" {
  provider         = aws.partner
  connection_id    = "dxcon-fgpartn1"
  owner_account_id = "111122223333"
  name             = "h1"
  vlan             = 301
  address_family   = "ipv4"
  bgp_asn          = 65000
}

resource "aws_dx_hosted_private_virtual_interface_accepter" "h1" {
  virtual_interface_id = aws_dx_hosted_private_virtual_interface.h1.id
  dx_gateway_id        = aws_dx_gateway.corp.id
  tags                 = { Name = "h1" }
}

# Made by the partner, not accepted here: it stays confirming.
resource "aws_dx_hosted_transit_virtual_interface" "h2" {
  provider         = aws.partner
  connection_id    = "dxcon-fgpartn1"
  owner_account_id = "111122223333"
  name             = "h2"
  vlan             = 302
  address_family   = "ipv4"
  bgp_asn          = 65000
}
