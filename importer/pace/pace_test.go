package pace

import (
	"context"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newTestPacer(r float64) (*Pacer, *clock) {
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	p := New(r)
	p.now = c.now
	p.lastChg = c.t.Add(-time.Hour)
	return p, c
}

func TestThrottleLowersOncePerWindow(t *testing.T) {
	p, c := newTestPacer(20)
	p.OnThrottle()
	p.OnThrottle() // a second 429 from the same burst
	p.OnThrottle()
	if got, want := p.Stats().Rate, 20*Blind; got != want {
		t.Fatalf("rate after one burst of throttles, nothing accepted yet = %v, want %v", got, want)
	}
	if got := p.Stats().Throttled; got != 3 {
		t.Errorf("throttled = %d, want 3 (every answer counts)", got)
	}
	c.advance(DownEvery)
	p.OnThrottle()
	if got, want := p.Stats().Rate, 20*Blind*Blind; got != want {
		t.Errorf("rate after a second window = %v, want %v", got, want)
	}
}

func TestRecoversSlowlyToMax(t *testing.T) {
	p, c := newTestPacer(10)
	p.OnThrottle()
	low := p.Stats().Rate
	p.OnSuccess() // too soon after the throttle
	if p.Stats().Rate != low {
		t.Fatalf("rate rose right after a throttle")
	}
	steps := 0
	for p.Stats().Rate < 10 {
		c.advance(UpEvery)
		p.OnSuccess()
		steps++
		if steps > 100 {
			t.Fatal("rate never recovered")
		}
	}
	if p.Stats().Rate != 10 {
		t.Errorf("rate overshot the maximum: %v", p.Stats().Rate)
	}
	if steps < 3 {
		t.Errorf("recovered in %d steps: not slowly", steps)
	}
}

func TestFloor(t *testing.T) {
	p, c := newTestPacer(1)
	for range 100 {
		p.OnThrottle()
		c.advance(DownEvery)
	}
	if got := p.Stats().Rate; got != MinRate {
		t.Errorf("rate = %v after many throttles, want the floor %v", got, MinRate)
	}
}

func TestUnlimited(t *testing.T) {
	p := New(0)
	for range 1000 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	p.OnThrottle()
	if s := p.Stats(); s.Requests != 1000 || s.Throttled != 1 || s.Rate != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	p := New(0.001)
	_ = p.Wait(context.Background()) // spend the burst
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait returned nil although the next token is minutes away")
	}
}

func TestThrottleDropsToWhatThePlatformAccepted(t *testing.T) {
	p, c := newTestPacer(15)
	// The platform accepted 10 requests a second for the last two seconds.
	for range 20 {
		c.advance(100 * time.Millisecond)
		p.OnSuccess()
	}
	p.OnThrottle()
	if got, want := p.Stats().Rate, 10*Headroom; got < want-0.01 || got > want+0.01 {
		t.Errorf("rate after a throttle = %v, want %v (95%% of the accepted 10/s)", got, want)
	}
	// Held for a while after a throttle, then probing upwards again.
	c.advance(UpEvery)
	p.OnSuccess()
	if got := p.Stats().Rate; got > 10*Headroom+0.01 {
		t.Errorf("rate rose to %v within Hold after a throttle", got)
	}
	c.advance(Hold)
	p.OnSuccess()
	if got := p.Stats().Rate; got <= 10*Headroom {
		t.Errorf("rate %v did not rise after Hold", got)
	}
}

func TestThrottleNeverCutsBelowHalf(t *testing.T) {
	p, c := newTestPacer(40)
	// Few answers lately (retries waiting): they say little of capacity.
	for range 5 {
		c.advance(400 * time.Millisecond)
		p.OnSuccess()
	}
	p.OnThrottle()
	if got := p.Stats().Rate; got != 40*Blind {
		t.Errorf("rate = %v, want the floor %v", got, 40*Blind)
	}
}
