/** What the Cognito checks use of their SDK client: imported lazily, so the build bundles only this. */
export {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";
