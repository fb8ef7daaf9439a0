-- init.lua (Neovim 0.11 or later)
vim.lsp.config("sphinx_plan", {
  cmd = { "sphinx-plan", "lsp" },
  filetypes = { "markdown", "rst" },
  root_markers = { "conf.py" },
  -- init_options = { sourceDir = "docs" },
})
vim.lsp.enable("sphinx_plan")
