# A conftest policy for wfplan's JSON plan (README, "Impact and --require-approval").
#
#   wfplan plan --format json > plan.json
#   conftest test --policy examples/policy plan.json
#
# It reads only the plan document (docs/plan-json.md): each change's `path`, `after` and `impact`,
# each resource's `impact`. `deny` fails the check; `warn` is reported (and fails with
# --fail-on-warn). Written for OPA 1.x syntax (conftest 0.56 and later).
package main

import rego.v1

# Where workers may sign in from: an IP range the plan adds must lie inside one of these.
allowed_ranges := {"10.0.0.0/8", "198.51.100.0/24", "2001:db8::/32"}

cidr_changes contains change if {
	some change in input.changes
	change.path == "workforce.sourceIpConfig.cidrs"
}

deny contains msg if {
	some change in cidr_changes
	count(change.after) == 0
	msg := "workforce.sourceIpConfig.cidrs: [] removes the IP restriction: workers could sign in from anywhere"
}

deny contains msg if {
	some change in cidr_changes
	some cidr in change.after
	not within_allowed(cidr)
	msg := sprintf("workforce.sourceIpConfig.cidrs: %s is outside the allowed ranges %v", [cidr, allowed_ranges])
}

within_allowed(cidr) if {
	some range in allowed_ranges
	net.cidr_contains(range, cidr)
}

warn contains msg if {
	some resource in input.resources
	resource.impact == "destructive"
	msg := sprintf("%s %q is deleted or recreated (apply backs it up first): make sure no labeling job needs it", [resource.type, resource.name])
}

warn contains msg if {
	some change in input.changes
	change.impact == "lockout-risk"
	msg := sprintf("%s changes the identity provider: check that workers can still sign in", [change.path])
}
