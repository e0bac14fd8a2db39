-- Every regular container declares a livenessProbe (init and ephemeral containers cannot).
-- ACK 配置巡检 livenessProbeMissing: a missing probe is a risk item; it is reported as warn (a reliability
-- gap, not an outage). The ACK and strict readings are the same. Completed Pods are not
-- evaluated; system workloads in `exempt` (control-plane static Pods, node agents) get na.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/liveness-probe",
  title = { en = "Containers have a liveness probe", zh = "容器配置了存活探针（livenessProbe）" },
  severity = "low",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.probe_exempt(),
               description = "Pods not checked: { namespace, name_prefix or name, reason }" },
  },
  impact = { en = "Without a liveness probe a hung application is never restarted: the Pod stays Running while it serves nothing.", zh = "未配置存活探针时，应用卡死也不会被自动重启，Pod 显示 Running 但无法提供服务。" },
  remediation = {
    en = "Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to every container, with timeouts that "
      .. "match the application's start-up and response times.",
    zh = "为每个容器配置 livenessProbe（httpGet、tcpSocket、grpc 或 exec），超时与间隔要与应用的启动和响应时间相匹配。",
  },
  references = { "ACK 配置巡检 livenessProbeMissing" },
  tags = { "probes", "availability", "config-inspection" },
  check = function(s, ctx)
    if podsec.runs_to_completion(s.object) then
      return ctx.na("the Pod runs to completion (a Job's Pod or restartPolicy Never/OnFailure): "
        .. "probes do not apply")
    end
    local bad = {}
    for _, c in ipairs(k8s.dig(s.object, "spec", "containers") or {}) do
      if c.livenessProbe == nil then bad[#bad + 1] = { container = c.name } end
    end
    return podsec.result(ctx, s, bad, "without a livenessProbe", "a livenessProbe on every container", "warn")
  end,
}
