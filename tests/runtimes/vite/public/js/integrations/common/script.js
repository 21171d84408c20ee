window.__lootlyScriptRuns = (window.__lootlyScriptRuns || 0) + 1;
