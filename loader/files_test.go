package loader_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/loader"
)

func filePaths(ws *loader.Workspace) []string {
	var out []string
	for _, f := range ws.Files() {
		out = append(out, f.Path)
	}
	return out
}

const tinyActions = "actions:\n  a:\n    type: shell\n    cmd: echo hi\n"

func TestWhichFilesAreRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fstest.MapFS
		opts []loader.Option
		want []string
	}{
		{
			// Strøm's layout: load_workspace(root) reads root/.workflows, and
			// the rest of the root (scripts, data) is not merged.
			name: "Strøm layout",
			fsys: fstest.MapFS{
				".workflows/deploy.yaml":    {Data: []byte(tinyActions)},
				".workflows/sub/more.yml":   {Data: []byte("tasks: {}\n")},
				"actions/deploy.sh":         {Data: []byte("#!/bin/sh\n")},
				"vault/api.yaml":            {Data: []byte("token: not-a-workflow\n")},
				".workflows/.git/HEAD.yaml": {Data: []byte("x: 1\n")},
			},
			want: []string{".workflows/deploy.yaml", ".workflows/sub/more.yml"},
		},
		{
			name: "flat layout, dot directories and sops config skipped",
			fsys: fstest.MapFS{
				"a.yaml":        {Data: []byte(tinyActions)},
				"b/c.yml":       {Data: []byte("tasks: {}\n")},
				".git/x.yaml":   {Data: []byte("x: 1\n")},
				".sops.yaml":    {Data: []byte("creation_rules: []\n")},
				"notes.txt":     {Data: []byte("hello")},
				"b/.hidden.yml": {Data: []byte("y: 2\n")},
			},
			want: []string{"a.yaml", "b/.hidden.yml", "b/c.yml"},
		},
		{
			name: "exclude a data folder and a pattern",
			fsys: fstest.MapFS{
				"a.yaml":              {Data: []byte(tinyActions)},
				"data/api.yaml":       {Data: []byte("token: x\n")},
				"data/deep/more.yaml": {Data: []byte("token: y\n")},
				"t/fixture.test.yaml": {Data: []byte("z: 1\n")},
				"t/real.yaml":         {Data: []byte("tasks: {}\n")},
			},
			opts: []loader.Option{loader.WithExclude("data", "**/*.test.yaml")},
			want: []string{"a.yaml", "t/real.yaml"},
		},
		{
			name: "include only some, relative to .workflows",
			fsys: fstest.MapFS{
				".workflows/tasks/a.yaml": {Data: []byte(tinyActions)},
				".workflows/other.yaml":   {Data: []byte("tasks: {}\n")},
			},
			opts: []loader.Option{loader.WithInclude("tasks/**")},
			want: []string{".workflows/tasks/a.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ws, err := loader.Load(t.Context(), tt.fsys, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := filePaths(ws); !slices.Equal(got, tt.want) {
				t.Errorf("files = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEmptyWorkspaceIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fstest.MapFS
		says string
	}{
		{"nothing at all", fstest.MapFS{}, "the workspace root"},
		{"only other files", fstest.MapFS{"README.md": {Data: []byte("hi")}}, "the workspace root"},
		{"empty .workflows", fstest.MapFS{".workflows/README.md": {Data: []byte("hi")}, "stray.yaml": {Data: []byte(tinyActions)}}, ".workflows"},
		{"everything excluded", fstest.MapFS{"a.yaml": {Data: []byte(tinyActions)}}, "the workspace root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []loader.Option
			if tt.name == "everything excluded" {
				opts = append(opts, loader.WithExclude("*.yaml"))
			}
			_, err := loader.Load(t.Context(), tt.fsys, opts...)
			if !errors.Is(err, loader.ErrEmpty) {
				t.Fatalf("err = %v, want ErrEmpty", err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err = %q, want it to name %q", err, tt.says)
			}
		})
	}
}

func TestSkippedSopsFormatsAreWarnings(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml":         {Data: []byte(tinyActions)},
		"app.sops.json":  {Data: []byte(`{"k":"v"}`)},
		"prod.sops.env":  {Data: []byte("K=v\n")},
		"plain.json":     {Data: []byte(`{}`)},
		"x.sops.yaml.md": {Data: []byte("notes")},
	}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, w := range ws.Warnings() {
		var fe *loader.FileError
		if !errors.As(w, &fe) || !errors.Is(w, loader.ErrSkipped) {
			t.Errorf("warning %v is not a *FileError wrapping ErrSkipped", w)
			continue
		}
		warned = append(warned, fe.Path)
	}
	if want := []string{"app.sops.json", "prod.sops.env"}; !slices.Equal(warned, want) {
		t.Errorf("warnings name %q, want %q", warned, want)
	}
}

func TestLimitsAreValidated(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(tinyActions)}}
	tests := []struct {
		name string
		opt  loader.Option
		says string
	}{
		{"zero field", loader.WithLimits(loader.Limits{MaxFiles: 3}), "MaxFileSize"},
		{"negative", limit(func(l *loader.Limits) { l.MaxDepth = -1 }), "MaxDepth"},
		{"bad include", loader.WithInclude("[a-"), "WithInclude"},
		{"bad exclude", loader.WithExclude("{a,"), "WithExclude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loader.Load(t.Context(), fsys, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err = %v, want one naming %s", err, tt.says)
			}
		})
	}
}

func TestTotalSizeLimit(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for _, name := range []string{"a.yaml", "b.yaml", "c.yaml"} {
		fsys[name] = &fstest.MapFile{Data: []byte("k_" + name[:1] + ": " + strings.Repeat("x", 400) + "\n")}
	}
	_, err := loader.Load(t.Context(), fsys, limit(func(l *loader.Limits) { l.MaxTotalSize = 1000 }))
	var fe *loader.FileError
	if !errors.Is(err, loader.ErrLimit) || !errors.As(err, &fe) || fe.Path != "c.yaml" || !strings.Contains(err.Error(), "MaxTotalSize") {
		t.Errorf("err = %v, want ErrLimit naming MaxTotalSize at c.yaml", err)
	}
	if _, err := loader.Load(t.Context(), fsys, limit(func(l *loader.Limits) { l.MaxTotalSize = 2000 })); err != nil {
		t.Errorf("within the limit: %v", err)
	}
}
