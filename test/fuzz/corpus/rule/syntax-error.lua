-- A Lua syntax error: the `if` in check lacks its `then`, which Lua reports on the next line
-- (at `return`). Loading must fail naming this file and that line, and the scan must report
-- an `error` finding for broken/syntax-error.
return {
  api = 1,
  id = "broken/syntax-error",
  title = { en = "Syntax error", zh = "语法错误" },
  severity = "low",
  scope = "cluster",
  check = function(s, ctx) if s.version == nil
    return ctx.fail("no version")
  end end,
  remediation = { en = "Fix the syntax.", zh = "修正语法。" },
}
