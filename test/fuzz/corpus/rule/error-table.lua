-- Hostile rule (see pack.yaml): raises a table as the error object.
return {
  api = 1,
  id = "hostile/error-table",
  title = { en = "Hostile: raises a table as the error object", zh = "恶意规则：以表作为错误对象抛出" },
  severity = "low",
  scope = "cluster",
  remediation = { en = "None: this rule attacks the sandbox.", zh = "无：该规则用于攻击沙箱。" },
  check = function(s, ctx)
    error({ code = 42 })
    return ctx.pass("the sandbox did not stop: raises a table as the error object")
  end,
}
