// Lua run inside Redis, so each step on a shared room is atomic across relay instances.
// Per room (the {hash tag} keeps one room's keys on one Redis Cluster slot):
//   m: presence, a sorted set of device ids scored by when their heartbeat expires
//   w: which relay instance holds each present device's stream
//   b: device id -> sha256 of its key; field "~" set once the room was shared or carried a message
//   i: epoch (random per room life) and the last event id
//   s: the replay window, a stream trimmed by length and age
// Events are added to s and published on the room's channel in the same script, so every
// instance sees them in stream order. Channel messages are lines: "e", SSE id, name, from, to,
// data (JSON, never a raw newline); or "t", device, instance for a takeover.

export const roomKeys = (room: string): string[] =>
  ['m', 'w', 'b', 'i', 's'].map((part) => `clipmesh:{${room}}:${part}`);
export const roomChannel = (room: string): string => `clipmesh:{${room}}`;
export const INSTANCES_KEY = 'clipmesh:instances';

/** ARGV shared by every room script: channel, replay events, replay ms, room ttl, binding ttl,
 * presence ttl, instance id; script-specific arguments follow from ARGV[8]. */
const PRELUDE = `
local M, W, B, I, S = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local channel, replayEvents, replayMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
local roomTtl, bindingTtl, presenceTtl, instance = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
-- Numbers go to Redis as integer text, never in exponent form.
local function int(x) return string.format('%d', x) end
local function emit(name, from, to, data)
  local id = redis.call('XADD', S, 'MAXLEN', replayEvents, '*', 'n', name, 'f', from, 't', to, 'd', data)
  redis.call('XTRIM', S, 'MINID', int(now - replayMs))
  redis.call('HSET', I, 'last', id)
  local sid = redis.call('HGET', I, 'epoch') .. '.' .. id
  redis.call('PUBLISH', channel, 'e\\n' .. sid .. '\\n' .. name .. '\\n' .. from .. '\\n' .. to .. '\\n' .. data)
  return id
end
local function gone(device)
  redis.call('ZREM', M, device)
  redis.call('HDEL', W, device)
  emit('leave', device, '', '{"device":"' .. device .. '"}')
end
local function reap()
  for _, device in ipairs(redis.call('ZRANGEBYSCORE', M, '-inf', int(now))) do gone(device) end
end
local function refresh()
  for _, key in ipairs({M, W, I, S}) do redis.call('PEXPIRE', key, roomTtl) end
  redis.call('PEXPIRE', B, bindingTtl)
end
-- A room nobody shared and that never carried a message is forgotten once empty, bindings too.
local function release()
  if redis.call('ZCARD', M) == 0 and redis.call('HGET', B, '~') ~= '1' then
    redis.call('DEL', M, W, B, I, S)
    return true
  end
  return false
end
`;

/** ARGV[8..14]: device, key hash, max devices, max bindings, new epoch, resume epoch, resume id. */
export const JOIN = `${PRELUDE}
reap()
local device, hash = ARGV[8], ARGV[9]
local bound = redis.call('HGET', B, device)
if bound and bound ~= hash then return {'conflict'} end
local present = redis.call('ZSCORE', M, device)
if not present and redis.call('ZCARD', M) >= tonumber(ARGV[10]) then return {'full'} end
redis.call('HSETNX', I, 'epoch', ARGV[12])
local epoch = redis.call('HGET', I, 'epoch')
local last = redis.call('HGET', I, 'last') or '0-0'
redis.call('XTRIM', S, 'MINID', int(now - replayMs))
local resumed, missed = 0, {}
if ARGV[13] == epoch then
  if ARGV[14] == last then
    resumed = 1
  elseif #redis.call('XRANGE', S, ARGV[14], ARGV[14]) == 1 then
    resumed = 1
    missed = redis.call('XRANGE', S, '(' .. ARGV[14], '+')
  end
end
if not bound and redis.call('HLEN', B) >= tonumber(ARGV[11]) then
  for _, id in ipairs(redis.call('HKEYS', B)) do
    if id ~= '~' and not redis.call('ZSCORE', M, id) then
      redis.call('HDEL', B, id)
      break
    end
  end
end
redis.call('HSET', B, device, hash)
redis.call('ZADD', M, int(now + presenceTtl), device)
redis.call('HSET', W, device, instance)
if redis.call('ZCARD', M) > 1 then redis.call('HSET', B, '~', '1') end
if present then
  redis.call('PUBLISH', channel, 't\\n' .. device .. '\\n' .. instance)
else
  last = emit('join', device, '', '{"device":"' .. device .. '"}')
end
refresh()
local devices = {}
for _, id in ipairs(redis.call('ZRANGE', M, 0, -1)) do
  if id ~= device then devices[#devices + 1] = id end
end
return {'ok', epoch .. '.' .. last, resumed, devices, missed}
`;

/** ARGV[8]: device. Only the instance that holds the device's stream may make it leave. */
export const LEAVE = `${PRELUDE}
if redis.call('HGET', W, ARGV[8]) ~= instance then return 0 end
gone(ARGV[8])
if not release() then refresh() end
return 1
`;

/** ARGV[8..9]: device, key hash. Whether this device may publish here at all. */
export const ADMIT = `${PRELUDE}
if redis.call('EXISTS', I) == 0 then return 'unknown_room' end
local bound = redis.call('HGET', B, ARGV[8])
if not bound then return 'not_bound' end
-- Compares digests of keys, not keys: timing reveals nothing usable.
if bound ~= ARGV[9] then return 'wrong_key' end
return 'ok'
`;

/** ARGV[8..10]: device, target ('' for all), data JSON. */
export const SEND = `${PRELUDE}
local from, to = ARGV[8], ARGV[9]
if redis.call('EXISTS', I) == 0 then return {'unknown_room'} end
if to ~= '' and (to == from or not redis.call('ZSCORE', M, to)) then return {'unknown_target'} end
redis.call('HSET', B, '~', '1')
local id = emit('message', from, to, ARGV[10])
refresh()
local delivered = 1
if to == '' then
  delivered = redis.call('ZCARD', M)
  if redis.call('ZSCORE', M, from) then delivered = delivered - 1 end
end
return {'ok', redis.call('HGET', I, 'epoch') .. '.' .. id, delivered}
`;

/**
 * ARGV[8..]: the devices this instance holds here. Renews their presence, makes devices whose
 * relay stopped renewing leave, and answers the given devices that are no longer present.
 */
export const TEND = `${PRELUDE}
local lost = {}
for i = 8, #ARGV do
  if redis.call('HGET', W, ARGV[i]) == instance then
    redis.call('ZADD', M, int(now + presenceTtl), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
reap()
if not release() then refresh() end
return lost
`;

/** KEYS[1]: the instances set; ARGV: instance, ttl. Renews this one, answers how many live. */
export const HEARTBEAT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[2])), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
return redis.call('ZCARD', KEYS[1])
`;

// Reading what the scripts write.

/** A stream id `<ms>-<seq>` as two numbers, for ordering. */
export type Position = [number, number];

export function position(sseId: string): Position | undefined {
  const match = /^[A-Za-z0-9_-]{1,16}\.(\d{1,15})-(\d{1,15})$/.exec(sseId);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export const after = (a: Position, b: Position): boolean =>
  a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

export const visibleTo = (device: string, from: string, to: string): boolean =>
  from !== device && (to === '' || to === device);

export const frameOf = (id: string, name: string, data: string): string =>
  `id: ${id}\nevent: ${name}\ndata: ${data}\n\n`;
