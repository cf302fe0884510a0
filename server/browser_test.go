package server_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/casetest"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
	"github.com/anzexian/anzexian/server"
	"github.com/anzexian/anzexian/timeline"
)

// The workbench in a real browser: chromedp drives a headless Chromium
// through the pages as an analyst would. Without Chromium the tests skip
// with how to run them; CI sets ANZEXIAN_BROWSER=required, which makes a
// missing browser a failure instead.

// chromium finds the browser: $ANZEXIAN_CHROMIUM, else chromium or
// google-chrome on the PATH.
func chromium() string {
	if p := os.Getenv("ANZEXIAN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium for the test, with a fresh profile
// and nothing that reaches the network by itself.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		msg := "no Chromium: install it (apt-get install -y chromium) or set ANZEXIAN_CHROMIUM to a Chromium or Chrome binary to run the workbench's browser tests"
		if os.Getenv("ANZEXIAN_BROWSER") == "required" {
			t.Fatal(msg + " (ANZEXIAN_BROWSER=required)")
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1400, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// the first run starts the browser (no timeout on it: it would end the
	// browser)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// step runs one step of the test with a time limit, failing with what the
// page shows when it does not complete.
func step[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		shot := filepath.Join(t.TempDir(), "page.png")
		if b, serr := chromedp.Run(ctx, chromedp.FullScreenshot(80)); serr == nil {
			os.WriteFile(shot, b, 0o644)
			if dir := os.Getenv("ANZEXIAN_SCREENSHOTS"); dir != "" {
				os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png"), b, 0o644)
			}
		}
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 3000)`))
		t.Fatalf("%s: %v\nthe page says:\n%s", what, err, text)
	}
	return v
}

// snapshot saves a screenshot of the page in $ANZEXIAN_SCREENSHOTS, when
// set (to look at the pages the test went through).
func snapshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("ANZEXIAN_SCREENSHOTS")
	if dir == "" {
		return
	}
	if b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
}

// js runs script in the page.
func js[T any](script string) chromedp.Action[T] { return chromedp.Evaluate[T](script) }

// wait waits until the expression is truthy.
func wait(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(50*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))
}

// typeAt selects [from, to) of the editor's text and types keys over it,
// as a person does: the browser sends the key events and the page hears
// them as input.
func typeAt(from, to int, keys string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		js[chromedp.Void](fmt.Sprintf(`(() => { const e = document.getElementById('editor'); e.focus(); e.setSelectionRange(%d, %d); })()`, from, to)),
		chromedp.KeyEvent(keys),
	)
}

// runeOffset is the offset, in UTF-16 code units as the page counts, of the
// byte offset off of s.
func runeOffset(s string, off int) int {
	n := 0
	for _, r := range s[:off] {
		if r > 0xffff {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func TestWorkbench(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test takes a few seconds; run without -short")
	}
	_, ts := testServer(t, server.Config{CasesDir: examples})
	ctx := browser(t)
	step(t, ctx, "open the workbench", chromedp.Steps(
		chromedp.Navigate(ts.URL+"/"),
		wait(`document.body.dataset.ready === 'true' && document.querySelector('#facts-form select[name=sectors] option') !== null`),
	))

	// What the engine says in-process, to hold the page to.
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	at := facts.MustParseDate("2026-01-01")
	src := string(readFile(t, hunan))
	fs, err := facts.Decode("hunan.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := anzexian.NewWithRegistry(reg).Assess(fs[0], anzexian.At(at))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("assess README's enterprise and read the premium", func(t *testing.T) {
		step(t, ctx, "paste the facts and assess", chromedp.Steps(
			chromedp.SetValue(chromedp.CSS("#facts-input"), src),
			chromedp.SetValue(chromedp.CSS("#assess-at"), "2026-01-01"),
			chromedp.Click(chromedp.CSS("#assess-run")),
			wait(`!document.getElementById('assess-result').hidden || !document.getElementById('assess-error').hidden`),
		))
		premium := step(t, ctx, "read the premium", js[string](`document.getElementById('premium-amount').textContent`))
		want := groupDigits(a.Premium.Amount.StringFixed(a.Premium.Rounding.Scale)) + " 元"
		if premium != want {
			t.Errorf("the page shows the premium %q, the engine gives %q", premium, want)
		}
		obligation := step(t, ctx, "read the obligation", js[string](`document.getElementById('obligation-code').textContent`))
		if obligation != "["+string(a.Coverage.Obligation)+"]" {
			t.Errorf("obligation %q, want [%s]", obligation, a.Coverage.Obligation)
		}
		factors := step(t, ctx, "count the worksheet's factors", js[int](`document.querySelectorAll('#premium-worksheet tr.factor').length`))
		if factors != len(a.Premium.Factors) {
			t.Errorf("the worksheet shows %d factors, the answer has %d", factors, len(a.Premium.Factors))
		}
		penalties := step(t, ctx, "count the penalties", js[int](`document.querySelectorAll('#penalties > li').length`))
		if penalties != len(a.Penalties) {
			t.Errorf("%d penalties shown, the answer has %d", penalties, len(a.Penalties))
		}
		cite := step(t, ctx, "read a reason's citation", js[string](`document.querySelector('#reasons .cite').textContent`))
		if !strings.Contains(cite, "《") {
			t.Errorf("a reason's citation reads %q", cite)
		}
		bars := step(t, ctx, "count the timeline's bars", js[int](`document.querySelectorAll('#timeline svg rect').length`))
		if want := len(a.Timeline.Obligations) + len(a.Timeline.Cover); bars != want {
			t.Errorf("the timeline draws %d bars, the answer has %d stretches", bars, want)
		}
		uninsured := step(t, ctx, "read the uninsured stretch", js[string](`document.querySelector('#timeline li.st-uninsured').textContent`))
		for _, c := range a.Timeline.Cover {
			if c.State == timeline.Uninsured && !strings.Contains(uninsured, c.From.String()+" ─ "+c.To.String()) || !strings.Contains(uninsured, "未投保") {
				t.Errorf("the uninsured stretch reads %q", uninsured)
				break
			}
		}
		snapshot(t, ctx, "1-assess")
		step(t, ctx, "the JSON tab", chromedp.Steps(
			chromedp.Click(chromedp.CSS(`#assess-result [data-out=json]`)),
			wait(`!document.getElementById('assess-json').hidden && document.getElementById('assess-json').textContent.includes('"premium"')`),
		))
		step(t, ctx, "the text tab, in English", chromedp.Steps(
			chromedp.Click(chromedp.CSS("#lang-switch")),
			chromedp.Click(chromedp.CSS(`#assess-result [data-out=text]`)),
			wait(`document.getElementById('assess-text').textContent.includes('Premium')`),
			chromedp.Click(chromedp.CSS("#lang-switch")),
			wait(`document.getElementById('tab-assess').textContent === '评估企业'`),
		))
	})

	t.Run("assess from the form", func(t *testing.T) {
		step(t, ctx, "fill in the form and assess", chromedp.Steps(
			chromedp.Click(chromedp.CSS("#mode-form")),
			js[chromedp.Void](`(() => {
				const f = document.getElementById('facts-form').elements;
				f.name.value = '株洲某机械厂';
				f.region.value = '430200';
				for (const o of f.sectors.options) o.selected = o.value === 'machinery';
				f.employees.value = '40';
				f['policy.start'].value = '2025-07-01';
				f['policy.end'].value = '2026-06-30';
				f['policy.death_limit'].value = '300000.50';
			})()`),
			js[chromedp.Void](`document.getElementById('assess-result').hidden = true`),
			chromedp.Click(chromedp.CSS("#assess-run")),
			wait(`!document.getElementById('assess-result').hidden || !document.getElementById('assess-error').hidden`),
		))
		f := &facts.Facts{Name: "株洲某机械厂", Region: "430200", Sectors: []string{"machinery"}, Employees: facts.Int(40),
			Policy: &facts.Policy{Start: facts.MustParseDate("2025-07-01"), End: facts.MustParseDate("2026-06-30"), DeathLimit: facts.Dec("300000.50")}}
		fa, err := anzexian.NewWithRegistry(reg).Assess(f, anzexian.At(at))
		if err != nil {
			t.Fatal(err)
		}
		got := step(t, ctx, "read the obligation", js[string](`document.getElementById('obligation-code').textContent`))
		if got != "["+string(fa.Coverage.Obligation)+"]" {
			t.Errorf("the form's enterprise: obligation %s, the engine says %s", got, fa.Coverage.Obligation)
		}
		sent := step(t, ctx, "the amount is sent with its digits", js[string](`document.getElementById('assess-json').textContent`))
		if !strings.Contains(sent, `"enterprise": "株洲某机械厂"`) {
			t.Errorf("the answer is not the form's enterprise: %.200s", sent)
		}
		step(t, ctx, "back to pasting", chromedp.Click(chromedp.CSS("#mode-paste")))
	})

	// the edit: the blacklist factor of the rating baseline, 10% → 30%
	baseline := string(readFile(t, filepath.Join("..", "rulesets", "bundled", "cn", "rating-baseline.yaml")))
	const blacklistCase = `value: "0.10", reason: 被纳入联合惩戒名单`
	at10 := strings.Index(baseline, blacklistCase)
	if at10 < 0 {
		t.Fatalf("the baseline's blacklist case is not %q any more", blacklistCase)
	}
	one := runeOffset(baseline, at10+len(`value: "0.`)) // the 1 of 0.10
	edited := baseline[:at10+len(`value: "0.`)] + "3" + baseline[at10+len(`value: "0.1`):]
	editedReg, err := reg.With(diag.File{Name: "edited/cn/rating-baseline.yaml", Data: []byte(edited)})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("edit the blacklist factor and run the cases", func(t *testing.T) {
		step(t, ctx, "open the rating baseline", chromedp.Steps(
			chromedp.Click(chromedp.CSS("#tab-rulesets")),
			wait(`document.querySelector('#rulesets-table tr[data-key="cn/rating/baseline@2018"]') !== null`),
			js[chromedp.Void](`document.querySelector('#rulesets-table tr[data-key="cn/rating/baseline@2018"]').click()`),
			wait(`document.querySelectorAll('#ruleset-source span').length > 100`),
			chromedp.Click(chromedp.CSS("#ruleset-edit")),
			wait(`!document.getElementById('view-edit').hidden && document.getElementById('editor').value.length > 1000`),
			wait(`document.querySelector('#diagnostics li.ok') !== null`),
		))
		name := step(t, ctx, "read the edit's name", js[string](`document.getElementById('editor-name').value`))
		if name != "edited/cn/rating-baseline.yaml" {
			t.Errorf("the edit is named %q", name)
		}
		step(t, ctx, "type 3 over the 1 of 0.10", chromedp.Steps(
			typeAt(one, one+1, "3"),
			wait(`document.getElementById('editor').value.includes('value: "0.30", reason: 被纳入联合惩戒名单')`),
			wait(`document.querySelector('#diagnostics li.ok') !== null && document.getElementById('lint-status').textContent === '没有问题'`),
		))
		text := step(t, ctx, "read the editor", js[string](`document.getElementById('editor').value`))
		if text != edited {
			t.Fatalf("the editor holds something else than the edit (%d characters, want %d)", len(text), len(edited))
		}
		// the rating cases (those the blacklist factor reaches), as an
		// analyst narrows a run; all of them take seconds more
		step(t, ctx, "run the example cases", chromedp.Steps(
			chromedp.SetValue(chromedp.CSS("#test-run"), "rating/"),
			chromedp.Click(chromedp.CSS("#run-cases")),
			wait(`!document.getElementById('test-result').hidden && document.getElementById('test-summary').textContent !== ''`),
		))
		all, err := casetest.Load(examples)
		if err != nil {
			t.Fatal(err)
		}
		var cases []*casetest.Case
		for _, c := range all {
			if strings.Contains(c.File+"/"+c.Name, "rating/") {
				cases = append(cases, c)
			}
		}
		run := casetest.NewRunner(anzexian.NewWithRegistry(editedReg)).RunAll(cases, false)
		want := fmt.Sprintf("%d 个案例，%d 个失败", len(run.Results), run.Failed())
		if got := step(t, ctx, "read the summary", js[string](`document.getElementById('test-summary').textContent`)); got != want {
			t.Errorf("the page says %q, the cases in-process %q", got, want)
		}
		if run.Failed() == 0 {
			t.Fatal("no case notices the blacklist factor: the test would not show diffs")
		}
		diffs := step(t, ctx, "count the diffs", js[int](`document.querySelectorAll('#test-failures pre.diff').length`))
		if diffs != len(run.Summary(false).Failures) {
			t.Errorf("%d diffs shown, %d failures", diffs, len(run.Summary(false).Failures))
		}
		snapshot(t, ctx, "2-test")
		covered := step(t, ctx, "read the coverage", js[string](`document.getElementById('coverage-total').textContent`))
		cov := run.Coverage()
		if !strings.Contains(covered, fmt.Sprintf("覆盖 %d 项", cov.Covered)) {
			t.Errorf("coverage reads %q; in-process %d of %d items", covered, cov.Covered, cov.Items)
		}
	})

	t.Run("run the impact and read the changed count", func(t *testing.T) {
		const n = 2000
		step(t, ctx, "run the impact on a generated book", chromedp.Steps(
			chromedp.Click(chromedp.CSS("#to-impact")),
			wait(`!document.getElementById('view-impact').hidden`),
			chromedp.SetValue(chromedp.CSS("#generate-count"), fmt.Sprint(n)),
			chromedp.SetValue(chromedp.CSS("#impact-at"), "2026-01-01"),
			chromedp.Click(chromedp.CSS("#impact-run")),
			wait(`!document.getElementById('impact-result').hidden || !document.getElementById('impact-error').hidden`),
		))
		pr, pw := ioPipe(t, n)
		rep, err := portfolio.Impact(context.Background(), anzexian.NewWithRegistry(reg), pr, editedReg,
			portfolio.ImpactOptions{Format: portfolio.JSONL, At: at})
		pw()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Changed == 0 {
			t.Fatal("the edit changes no enterprise of the book: the test would read 0")
		}
		if got := step(t, ctx, "read the changed count", js[string](`document.getElementById('impact-changed').textContent`)); got != groupDigits(fmt.Sprint(rep.Changed)) {
			t.Errorf("the page says %s enterprises changed, the impact in-process %d", got, rep.Changed)
		}
		snapshot(t, ctx, "3-impact")
		bars := step(t, ctx, "count the histogram's bars", js[int](`document.querySelectorAll('#impact-histogram rect.bar').length`))
		if bars != len(rep.Premium.Histogram) {
			t.Errorf("%d bars drawn, the histogram has %d", bars, len(rep.Premium.Histogram))
		}
		tables := step(t, ctx, "count the breakdowns", js[int](`document.querySelectorAll('#impact-breakdowns table.breakdown').length`))
		if tables != len(rep.Breakdowns) {
			t.Errorf("%d breakdowns shown, the report has %d", tables, len(rep.Breakdowns))
		}
		diff := step(t, ctx, "read the rule diff", js[string](`document.getElementById('impact-diff').textContent`))
		if !strings.Contains(diff, "blacklist") {
			t.Errorf("the rule diff does not name the blacklist factor: %q", diff)
		}
	})

	t.Run("see a lint error for a broken edit", func(t *testing.T) {
		// "value" of the blacklist case becomes "valeu": an unknown key,
		// which the page must show where the loader says
		key := runeOffset(edited, at10)
		broken := edited[:at10] + "valeu" + edited[at10+len("value"):]
		_, err := reg.With(diag.File{Name: "edited/cn/rating-baseline.yaml", Data: []byte(broken)})
		le, ok := err.(*rulesets.LoadError)
		if !ok {
			t.Fatalf("the broken edit loads: %v", err)
		}
		first := le.Diagnostics.Errors()[0].Subject.Start
		line, col := first.Line, first.Column
		if want := strings.Count(edited[:at10], "\n") + 1; line != want {
			t.Fatalf("the loader reports line %d, the broken key is on line %d", line, want)
		}
		lineStart := strings.LastIndex(edited[:at10], "\n") + 1
		caret := runeOffset(edited, lineStart) + col - 1
		step(t, ctx, "break the edit", chromedp.Steps(
			chromedp.Click(chromedp.CSS("#tab-edit")),
			typeAt(key, key+len("value"), "valeu"),
			wait(`document.querySelector('#diagnostics li.error') !== null`),
		))
		pos := step(t, ctx, "read the diagnostic's position", js[string](`document.querySelector('#diagnostics li.error .pos').textContent`))
		if pos != fmt.Sprintf("%d:%d", line, col) {
			summary, _ := chromedp.Run(ctx, js[string](`document.getElementById('diagnostics').innerText`))
			t.Errorf("the error is at %s, the broken key at %d:%d; the page says:\n%s", pos, line, col, summary)
		}
		snapshot(t, ctx, "4-lint")
		marked := step(t, ctx, "read the gutter", js[string](`(document.querySelector('#editor-gutter .err') || {}).textContent || ''`))
		if marked != fmt.Sprint(line) {
			t.Errorf("the gutter marks line %q, want %d", marked, line)
		}
		step(t, ctx, "click the diagnostic: the caret goes there", chromedp.Steps(
			js[chromedp.Void](`document.querySelector('#diagnostics li.error').click()`),
			wait(fmt.Sprintf(`document.getElementById('editor').selectionStart === %d`, caret)),
		))
	})
}

// TestWorkbenchKey: with keys, the page asks for one, keeps it for the tab,
// and a quote key cannot reach the analysts' pages.
func TestWorkbenchKey(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test takes a few seconds; run without -short")
	}
	dir := t.TempDir()
	key, line, err := server.GenerateKey("core-system", server.RoleQuote)
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(dir, "keys")
	os.WriteFile(keys, []byte(line+"\n"), 0o600)
	_, ts := testServer(t, server.Config{KeysFile: keys})
	ctx := browser(t)
	step(t, ctx, "the page asks for a key", chromedp.Steps(
		chromedp.Navigate(ts.URL+"/"),
		wait(`!document.getElementById('login').hidden`),
	))
	step(t, ctx, "a wrong key is refused", chromedp.Steps(
		chromedp.SetValue(chromedp.CSS("#key-input"), "azx_wrong"),
		chromedp.Click(chromedp.CSS("#key-save")),
		wait(`!document.getElementById('login-error').hidden`),
	))
	step(t, ctx, "the right key lets it in", chromedp.Steps(
		chromedp.SetValue(chromedp.CSS("#key-input"), key),
		chromedp.Click(chromedp.CSS("#key-save")),
		wait(`document.getElementById('login').hidden && document.getElementById('whoami').textContent === 'core-system · quote'`),
	))
	kept := step(t, ctx, "the key is kept in sessionStorage only", js[string](`(sessionStorage.getItem('anzexian.key') || '') + '|' + (localStorage.getItem('anzexian.key') || '')`))
	if kept != key+"|" {
		t.Errorf("storage holds %q", kept)
	}
	if off := step(t, ctx, "the analysts' tabs are off for a quote key", js[bool](`document.getElementById('tab-edit').disabled && document.getElementById('tab-impact').disabled`)); !off {
		t.Error("a quote key can open the analysts' tabs")
	}
}

// groupDigits puts thousands separators in a decimal's whole part.
func groupDigits(s string) string {
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}
