/** What the VPC checks use of the EC2 SDK client: imported lazily, so the build bundles only this. */
export {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
