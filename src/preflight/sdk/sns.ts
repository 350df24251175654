/** What the SNS check uses of its SDK client: imported lazily, so the build bundles only this. */
export { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
