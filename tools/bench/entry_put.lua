-- entry_put.lua — wrk script for tools/bench.sh: every request creates a new
-- entry, as a phone logging a bottle feed would: PUT
-- /api/v1/families/{fid}/entries/{id} with a fresh UUIDv7 (time-ordered, as
-- the app makes them), the session cookie and the X-CSRF-Token header.
-- Reads BENCH_FID, BENCH_SID, BENCH_COOKIE ("name=value") and BENCH_CSRF from
-- the environment. Defines no done(): bench.sh reads wrk's own output.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
]]

local fid = os.getenv("BENCH_FID")
local sid = os.getenv("BENCH_SID")
local headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = os.getenv("BENCH_COOKIE"),
    ["X-CSRF-Token"] = os.getenv("BENCH_CSRF"),
}
local ts = ffi.new("bench_timespec")

local function now_ms()
    ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME
    return tonumber(ts.tv_sec) * 1000 + math.floor(tonumber(ts.tv_nsec) / 1e6)
end

-- Each wrk thread has its own Lua state: seed each from the kernel, so two
-- threads never draw the same ids.
function init(args)
    local f = assert(io.open("/dev/urandom", "rb"))
    local b = f:read(4)
    f:close()
    math.randomseed(b:byte(1) * 16777216 + b:byte(2) * 65536 + b:byte(3) * 256 + b:byte(4))
end

-- RFC 9562 UUIDv7: 48-bit Unix ms, version 7, 12 random bits, variant 10,
-- 62 random bits; lower-case, as the server wants.
local function uuid7(ms)
    local hi = math.floor(ms / 65536)
    local lo = ms % 65536
    return string.format("%08x-%04x-7%03x-%04x-%04x%04x%04x", hi, lo, math.random(0, 0xfff),
        0x8000 + math.random(0, 0x3fff), math.random(0, 0xffff), math.random(0, 0xffff),
        math.random(0, 0xffff))
end

function request()
    local ms = now_ms()
    local body = string.format('{"subject_id":"%s","type":"feed","ts":%d,"value":' ..
        '{"method":"bottle","milk":"formula","amount_ml":120},"updated_at":%d}', sid, ms - 60000, ms)
    return wrk.format("PUT", "/api/v1/families/" .. fid .. "/entries/" .. uuid7(ms), headers, body)
end
