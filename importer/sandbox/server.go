package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// shutdownGrace bounds how long Server.Close waits for answers in flight.
const shutdownGrace = 5 * time.Second

// Server is a Sandbox serving HTTP on a listener.
type Server struct {
	URL     string   // http://host:port, no trailing slash
	Sandbox *Sandbox // the simulator, for Ledger, Stats and the switches

	srv      *http.Server
	cancel   context.CancelFunc // ends the requests' contexts (latency, slow answers)
	served   chan error
	inflight atomic.Int64 // handlers running

	closeOnce sync.Once
	closeErr  error
}

// Start creates a Sandbox from cfg and serves it on addr ("127.0.0.1:0"
// picks a free port).
func Start(addr string, cfg Config) (*Server, error) {
	sb, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = sb.Close()
		return nil, fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		Sandbox: sb,
		srv: &http.Server{
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return ctx },
		},
		cancel: cancel,
		served: make(chan error, 1),
	}
	s.srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inflight.Add(1)
		defer s.inflight.Add(-1)
		sb.ServeHTTP(w, r)
	})
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// MBEndpoint is the URL the 果盘 client posts to.
func (s *Server) MBEndpoint() string { return s.URL + MBPath }

// SandyBase is the URL the member-cjb route names are appended to.
func (s *Server) SandyBase() string { return s.URL + SandyPrefix }

// Endpoint is how a client of the named platform reaches this sandbox:
// the URL and the settings (ids and secrets, keyed as the platform's
// descriptor names them) the simulator accepts. ok is false for a platform
// it does not simulate.
func (s *Server) Endpoint(platform string) (url string, settings map[string]string, ok bool) {
	cfg := s.Sandbox.cfg
	switch platform {
	case "mb":
		return s.MBEndpoint(), map[string]string{"gpid": cfg.GPID, "msid": cfg.MSID, "apikey": cfg.APIKey, "appsecret": cfg.AppSecret}, true
	case "sandy":
		return s.SandyBase(), map[string]string{"customer-guid": cfg.CustomerGUID, "sandy-token": cfg.SandyToken}, true
	}
	return "", nil, false
}

// Close stops accepting requests, ends delayed answers, waits for answers
// in flight (at most a few seconds) and closes the sandbox's state. It may
// be called more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Server) close() error {
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	// Shutdown also waits for connections a client opened and never used
	// (net/http counts them idle only after 5 s): stop waiting as soon as
	// no handler runs, and close what is left.
	go func() {
		for s.inflight.Load() > 0 && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	var err error
	if serr := s.srv.Shutdown(ctx); serr != nil {
		err = s.srv.Close()
	}
	if serr := <-s.served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, s.Sandbox.Close())
}
