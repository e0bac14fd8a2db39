-- Every regular container declares a readinessProbe (init and ephemeral containers cannot).
-- ACK 配置巡检 readinessProbeMissing: a missing probe is a risk item; it is reported as warn (a reliability
-- gap, not an outage). The ACK and strict readings are the same. Completed Pods are not
-- evaluated; system workloads in `exempt` (control-plane static Pods, node agents) get na.
local k8s = require("k8s")
local podsec = require("podsec")

return {
  api = 1,
  id = "workload/readiness-probe",
  title = { en = "Containers have a readiness probe", zh = "容器配置了就绪探针（readinessProbe）" },
  severity = "low",
  scope = "pod",
  applies = podsec.applies,
  params = {
    exempt = { default = podsec.probe_exempt(),
               description = "Pods not checked: { namespace, name_prefix or name, reason }" },
  },
  impact = { en = "Without a readiness probe the Pod receives traffic as soon as it starts, before the application can serve it, and keeps receiving it while the application is stuck.", zh = "未配置就绪探针时，Pod 启动后立即接收流量（应用可能尚未就绪），应用卡死时也不会被摘除流量。" },
  remediation = {
    en = "Add a readinessProbe (httpGet, tcpSocket, grpc or exec) to every container, with timeouts that "
      .. "match the application's start-up and response times.",
    zh = "为每个容器配置 readinessProbe（httpGet、tcpSocket、grpc 或 exec），超时与间隔要与应用的启动和响应时间相匹配。",
  },
  references = { "ACK 配置巡检 readinessProbeMissing" },
  tags = { "probes", "availability", "config-inspection" },
  check = function(s, ctx)
    if podsec.runs_to_completion(s.object) then
      return ctx.na("the Pod runs to completion (a Job's Pod or restartPolicy Never/OnFailure): "
        .. "probes do not apply")
    end
    local bad = {}
    for _, c in ipairs(k8s.dig(s.object, "spec", "containers") or {}) do
      if c.readinessProbe == nil then bad[#bad + 1] = { container = c.name } end
    end
    return podsec.result(ctx, s, bad, "without a readinessProbe", "a readinessProbe on every container", "warn")
  end,
}
