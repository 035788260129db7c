package pace

import (
	"container/heap"
	"math/rand/v2"
	"time"

	"golang.org/x/time/rate"
)

// A discrete-event simulation of a run against a platform, on a fake
// clock: workers that always have a request to send, each request waiting
// on the pacer, a platform with a token-bucket limit (changeable), a
// latency, and answers that are busy or fail at given probabilities.
// Everything is deterministic for a seed, and a minute of simulated time
// takes milliseconds.

type simPlatform struct {
	lim     *rate.Limiter
	busy    float64 // share of answers that say busy
	fail    float64 // share that fail without telling the pacer (5xx, resets)
	latency time.Duration
}

type simEvent struct {
	at  time.Time
	seq int
	fn  func()
}

type simQueue []simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].seq < q[j].seq
	}
	return q[i].at.Before(q[j].at)
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simSecond is what happened during one simulated second.
type simSecond struct {
	sent, accepted, throttled, busy int
	rate                            float64 // the pacer's rate at the end of the second
}

type sim struct {
	clock *clock
	p     *Pacer
	plat  simPlatform
	rng   *rand.Rand
	q     simQueue
	seq   int
	start time.Time
	secs  []simSecond

	// Waiters take turns, as in Pacer.Wait: the first of waiting reserves
	// the next token; the others queue.
	waiting  []func(time.Time)
	busyTurn bool
}

func newSim(max float64, plat simPlatform, seed uint64) *sim {
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	s := &sim{clock: c, p: New(max, WithClock(c.now)), plat: plat, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), start: c.t}
	return s
}

func (s *sim) at(t time.Time, fn func()) {
	s.seq++
	heap.Push(&s.q, simEvent{at: t, seq: s.seq, fn: fn})
}

func (s *sim) second(t time.Time) *simSecond {
	i := int(t.Sub(s.start) / time.Second)
	for len(s.secs) <= i {
		s.secs = append(s.secs, simSecond{})
	}
	return &s.secs[i]
}

// turn runs fn when the waiter's turn comes.
func (s *sim) turn(t time.Time, fn func(time.Time)) {
	if s.busyTurn {
		s.waiting = append(s.waiting, fn)
		return
	}
	s.busyTurn = true
	fn(t)
}

func (s *sim) endTurn(t time.Time) {
	if len(s.waiting) == 0 {
		s.busyTurn = false
		return
	}
	fn := s.waiting[0]
	s.waiting = s.waiting[1:]
	fn(t)
}

// worker sends one request at t, then the next when the answer is in.
func (s *sim) worker(t time.Time) {
	s.turn(t, s.send)
}

func (s *sim) send(t time.Time) {
	s.clock.t = t
	s.p.mu.Lock()
	r := s.p.lim.ReserveN(t, 1)
	s.p.mu.Unlock()
	depart := t.Add(r.DelayFrom(t))
	s.at(depart, func() {
		s.clock.t = depart
		s.p.leave()
		s.endTurn(depart)
		s.second(depart).sent++
		arrive := depart.Add(s.plat.latency / 2)
		s.at(arrive, func() {
			throttled := !s.plat.lim.AllowN(arrive, 1)
			u := s.rng.Float64()
			answer := depart.Add(s.plat.latency)
			s.at(answer, func() {
				s.clock.t = answer
				sec := s.second(answer)
				next := answer
				switch {
				case throttled:
					s.p.OnThrottle()
					sec.throttled++
					next = answer.Add(time.Second) // Retry-After: 1
				case u < s.plat.busy:
					s.p.OnBusy()
					sec.busy++
					next = answer.Add(time.Duration(250+s.rng.IntN(250)) * time.Millisecond)
				case u < s.plat.busy+s.plat.fail:
					next = answer.Add(time.Duration(250+s.rng.IntN(250)) * time.Millisecond)
				default:
					s.p.OnSuccess()
					sec.accepted++
				}
				s.at(next, func() { s.worker(next) })
			})
		})
	})
}

// run simulates d with n workers; changes are applied at their offsets.
func (s *sim) run(d time.Duration, workers int, changes map[time.Duration]func()) {
	for off, fn := range changes {
		s.at(s.start.Add(off), fn)
	}
	for i := range workers {
		s.at(s.start.Add(time.Duration(i)*time.Millisecond), func() { s.worker(s.start.Add(time.Duration(i) * time.Millisecond)) })
	}
	for i := 1; i <= int(d/time.Second); i++ {
		t := s.start.Add(time.Duration(i)*time.Second - time.Nanosecond)
		s.at(t, func() { s.second(t).rate = s.p.Stats().Rate })
	}
	end := s.start.Add(d)
	for s.q.Len() > 0 {
		e := heap.Pop(&s.q).(simEvent)
		if !e.at.Before(end) {
			break
		}
		e.fn()
	}
}

// totals sums seconds [from, to).
func (s *sim) totals(from, to int) simSecond {
	var t simSecond
	for i := from; i < to && i < len(s.secs); i++ {
		t.sent += s.secs[i].sent
		t.accepted += s.secs[i].accepted
		t.throttled += s.secs[i].throttled
		t.busy += s.secs[i].busy
	}
	return t
}
