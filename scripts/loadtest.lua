-- wrk script for scripts/loadtest.sh: GET a page with a session cookie, or (mode "autosave") POST
-- draft autosaves, each thread on its own scorecard, sending the revision the last answer returned.
-- Counts status codes over all threads and prints one RESULT line for the shell to tabulate.
-- Arguments (after --): name mode cookie csrf targets-file

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

function init(args)
  name, mode, cookie, csrf, targets = args[1], args[2], args[3] or "", args[4] or "", args[5]
  statuses = {}
  if mode == "autosave" then
    local lines = {}
    for line in io.lines(targets) do
      if #line > 0 then table.insert(lines, line) end
    end
    local id, rev, body = lines[(index - 1) % #lines + 1]:match("^(%d+) (%d+) (.*)$")
    path = "/scorecards/" .. id .. "/autosave/"
    revision, fields = rev, body
  end
end

function request()
  local headers = {}
  if #cookie > 0 then headers["Cookie"] = cookie end
  if mode == "autosave" then
    headers["X-CSRFToken"] = csrf
    headers["Accept"] = "application/json"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, "revision=" .. revision .. "&" .. fields)
  end
  return wrk.format("GET", nil, headers, nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if mode == "autosave" then
    local current = body:match('"revision": (%d+)')
    if current then revision = current end
  end
end

function done(summary, latency, requests)
  local merged, codes = {}, {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do merged[status] = (merged[status] or 0) + n end
  end
  local non2xx, conflicts = 0, 0
  for status, n in pairs(merged) do
    table.insert(codes, status .. ":" .. n)
    if status == 409 then conflicts = conflicts + n elseif status < 200 or status > 299 then non2xx = non2xx + n end
  end
  table.sort(codes)
  local e = summary.errors
  if #codes == 0 then codes = {"none"} end
  io.write(string.format("RESULT %s %.1f %.1f %.1f %d %d %d %s\n", threads[1]:get("name"),
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    non2xx, conflicts, e.connect + e.read + e.write + e.timeout, table.concat(codes, ",")))
end
