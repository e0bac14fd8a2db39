-- Syntactically valid, but `severity` below is a number instead of a string: validation must
-- report the field with its line, and the scan an `error` finding for broken/wrong-type.
return {
  api = 1,
  id = "broken/wrong-type",
  title = { en = "Wrong-typed field", zh = "字段类型错误" },
  remediation = { en = "Use a severity name.", zh = "使用严重级别名称。" },
  scope = "cluster",
  severity = 3,
  check = function(s, ctx) return ctx.pass("unreachable") end,
}
