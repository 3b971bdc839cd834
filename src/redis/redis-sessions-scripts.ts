/**
 * The sessions store's writes, each one atomic Lua script. Keys (prefix p):
 * `p` + `session:<id>` the record (JSON, PXAT its expiry), `p` + `session-token:<sha256>` the id
 * (same expiry), `p` + `user-sessions:<user id>` a sorted set of ids scored by expiry (expires
 * with its last member). Scripts derive the secondary keys from the record, so one Redis (or a
 * primary with replicas) is needed, not a Cluster.
 */

/** KEYS: record, token, user set. ARGV: json, expiresAt, id. Refuses an id or token hash already stored. */
export const CREATE = `
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PXAT', ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
if redis.call('PEXPIRETIME', KEYS[3]) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[3], ARGV[2]) end
return 1`;

/** Compare-and-set. KEYS: record, token, user set. ARGV: the json read, the new json, new expiresAt, id. */
export const REPLACE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
redis.call('SET', KEYS[2], ARGV[4], 'PXAT', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
if redis.call('PEXPIRETIME', KEYS[3]) < tonumber(ARGV[3]) then redis.call('PEXPIREAT', KEYS[3], ARGV[3]) end
return 1`;

/** KEYS: record. ARGV: prefix. Deletes the session and its token key, leaves the user set; returns the json or nil. */
export const REMOVE = `
local json = redis.call('GET', KEYS[1])
if not json then return false end
local record = cjson.decode(json)
redis.call('DEL', KEYS[1], ARGV[1] .. 'session-token:' .. record.tokenHash)
redis.call('ZREM', ARGV[1] .. 'user-sessions:' .. record.userId, record.sessionId)
return json`;

/** KEYS: user set. ARGV: prefix, now. Drops expired members; returns the live records' json, oldest member first. */
export const LIST = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('GET', ARGV[1] .. 'session:' .. id)
  if json then table.insert(out, json) else redis.call('ZREM', KEYS[1], id) end
end
return out`;
