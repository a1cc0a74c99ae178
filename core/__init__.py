"""The ground floor: workspaces (tenants), memberships and roles, API keys, the access
check every page uses, API input checks, rate limits and the Redis client. Every other
app imports this one; it imports none of them."""
