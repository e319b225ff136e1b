package moto_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/hushflow/hushflow/internal/moto"
)

func TestStartWithoutMotoSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := moto.Start(t.Context())
	if !errors.Is(err, moto.ErrNotInstalled) {
		t.Fatalf("Start without moto_server on PATH: %v, want ErrNotInstalled", err)
	}
	if got := err.Error(); !strings.Contains(got, "pip install") {
		t.Errorf("error %q does not say how to install moto", got)
	}
}

// A server of the test's own answers, holds what is put in it, and is gone
// once stopped.
func TestNewServerAnswersAndStops(t *testing.T) {
	srv := moto.New(t)
	ctx := t.Context()
	const name = "/hushflow/moto-test/p"
	if err := srv.PutParameter(ctx, name, "moto-test-value", true); err != nil {
		t.Fatal(err)
	}
	out, err := ssm.NewFromConfig(srv.Config()).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Parameter.Value) != "moto-test-value" {
		t.Error("the SecureString parameter did not read back")
	}
	if err := srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(srv.Config()).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)}); err == nil {
		t.Error("the parameter is still there after Reset")
	}

	u, err := url.Parse(srv.URL)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("URL %q is not on 127.0.0.1", srv.URL)
	}
	srv.Stop()
	if c, err := net.Dial("tcp", u.Host); err == nil {
		c.Close()
		t.Error("the server still accepts connections after Stop")
	}
	srv.Stop() // a second Stop is harmless
}

// The shared server is one per binary.
func TestSharedIsOne(t *testing.T) {
	a, b := moto.Shared(t), moto.Shared(t)
	if a != b {
		t.Error("Shared started two servers")
	}
}

func TestSetenvPointsTheSDKAtTheEndpointOnly(t *testing.T) {
	t.Setenv("AWS_PROFILE", "someone-elses")
	t.Setenv("AWS_ENDPOINT_URL_SSM", "https://ssm.example.invalid")
	t.Run("set", func(t *testing.T) {
		moto.Setenv(t, "http://127.0.0.1:1")
		if got := os.Getenv("AWS_ENDPOINT_URL"); got != "http://127.0.0.1:1" {
			t.Errorf("AWS_ENDPOINT_URL = %q", got)
		}
		for _, name := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL_SSM", "AWS_SESSION_TOKEN"} {
			if v, ok := os.LookupEnv(name); ok {
				t.Errorf("%s is still set (%q)", name, v)
			}
		}
		if os.Getenv("AWS_EC2_METADATA_DISABLED") != "true" {
			t.Error("IMDS is not disabled")
		}
	})
	if os.Getenv("AWS_PROFILE") != "someone-elses" || os.Getenv("AWS_ENDPOINT_URL_SSM") == "" {
		t.Error("the environment was not restored after the test")
	}
}

func TestSetenvPerService(t *testing.T) {
	moto.SetenvPerService(t, "http://127.0.0.1:1")
	if _, ok := os.LookupEnv("AWS_ENDPOINT_URL"); ok {
		t.Error("AWS_ENDPOINT_URL is set")
	}
	for _, s := range moto.Services {
		if got := os.Getenv("AWS_ENDPOINT_URL_" + s); got != "http://127.0.0.1:1" {
			t.Errorf("AWS_ENDPOINT_URL_%s = %q", s, got)
		}
	}
}

func TestStartHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := moto.Start(ctx); err == nil {
		t.Error("Start with a cancelled context succeeded")
	}
}
