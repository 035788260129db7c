package importer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/report"
	"github.com/cardimport/cardimport/validate"
	"github.com/cardimport/cardimport/validate/lang"
)

// Errors of the collector, as people read them (the same words as the
// command's own).
var (
	msgWriteReport  = lang.Msg("write report: %v", "写报告：%v")
	msgWriteRejects = lang.Msg("write rejects: %v", "写待修正名单：%v")
	logOutOfOrder   = lang.Msg("rows finished out of sequence", "有些行的结果没有按顺序到达")
)

// collect is the last stage: it receives finished rows in any order, puts
// them back in roster order, writes the report and the rejects file, and
// keeps the counts. It returns when every producer is done.
func (r *run) collect() *Result {
	res := &Result{Outcome: Outcome{Counts: make(map[platform.Status]int)}}
	waiting := make(map[int64]*job)
	var next int64
	writeErr := false
	emit := func(j *job) {
		if err := r.emit(res, j); err != nil && !writeErr {
			writeErr = true
			r.fatal(err)
		}
	}
	for j := range r.results {
		waiting[j.seq] = j
		for {
			j, ok := waiting[next]
			if !ok {
				break
			}
			delete(waiting, next)
			next++
			emit(j)
			<-r.window
		}
	}
	// Every sequence number is finished exactly once, so nothing should be
	// left; if a gap ever appeared, the rows are still reported.
	if len(waiting) > 0 {
		seqs := make([]int64, 0, len(waiting))
		for s := range waiting {
			seqs = append(seqs, s)
		}
		sort.Slice(seqs, func(a, b int) bool { return seqs[a] < seqs[b] })
		r.log.Error(r.p.Sprintf(logOutOfOrder), "first", seqs[0], "expected", next)
		for _, s := range seqs {
			emit(waiting[s])
		}
	}
	return res
}

// emit writes one finished row.
func (r *run) emit(res *Result, j *job) error {
	res.Rows++
	res.Counts[j.status]++
	if j.valid {
		res.RosterBalance = res.RosterBalance.Add(j.card.Balance)
		if j.card.HasPoints {
			p, _ := strconv.ParseInt(j.card.Points, 10, 64)
			res.RosterPoints += p
		}
	}
	if j.status == platform.StatusIssued || j.status == platform.StatusSkipped {
		if m, ok, err := validate.ParseAmount(j.answer.Balance); err == nil && ok {
			res.ConfirmedBalance = res.ConfirmedBalance.Add(m)
			res.Confirmations++
		}
		if p, err := strconv.ParseInt(strings.TrimRight(strings.TrimSuffix(j.answer.Points, ".0"), "."), 10, 64); err == nil {
			res.ConfirmedPoints += p
			res.PointsConfirmed++
		}
	}

	ros := r.cfg.Rosters[j.src]
	line := r.line(ros, j)
	if r.cfg.OnLine != nil {
		r.cfg.OnLine(line)
	}
	if err := r.cfg.Report.Write(line); err != nil {
		return r.p.Errorf(msgWriteReport, err)
	}
	if r.cfg.Rejects != nil && (j.status == platform.StatusInvalid || j.status == platform.StatusRejected) {
		if err := r.cfg.Rejects.Write(report.Reject{Source: ros.Source(), Header: r.header(j.src), Cells: j.row.Cells, Reason: line.Message}); err != nil {
			return r.p.Errorf(msgWriteRejects, err)
		}
	}
	return nil
}

// header returns roster src's header as written, built once a roster.
func (r *run) header(src int) []string {
	if r.headers == nil {
		r.headers = make([][]string, len(r.cfg.Rosters))
	}
	if r.headers[src] == nil {
		cols := r.cfg.Rosters[src].Columns()
		h := make([]string, len(cols))
		for i, c := range cols {
			h[i] = c.Name
		}
		r.headers[src] = h
	}
	return r.headers[src]
}

// line renders a job as a report line: the normalised values that were (or
// would be) sent, the raw text for rows that never became a card.
func (r *run) line(ros Roster, j *job) *report.Line {
	c := &j.card
	l := &report.Line{
		Source:   ros.Source(),
		Row:      j.row.Line,
		Status:   j.status,
		Cardno:   c.Cardno,
		Extid:    c.Extid,
		Name:     c.Name,
		Phone:    c.Phone,
		Mbno:     j.answer.Mbno,
		ID:       j.answer.ID,
		Attempts: c.Attempts,
		Message:  j.msg,
	}
	if c.HasBalance {
		l.Balance = c.Balance.String()
	}
	if !j.valid {
		l.Cardno = firstNonEmpty(c.Cardno, j.raw.cardno)
		l.Extid = firstNonEmpty(c.Extid, j.raw.extid)
		l.Name = firstNonEmpty(c.Name, j.raw.name)
		l.Phone = firstNonEmpty(c.Phone, j.raw.phone)
		l.Balance = firstNonEmpty(l.Balance, j.raw.balance)
	}
	if j.valid && j.status != platform.StatusInvalid {
		// Warnings of a valid row (an ID that contradicts the birthday)
		// travel with whatever happened to it.
		if w := validate.Message(j.problems); w != "" {
			l.Message = joinMessages(r.p, l.Message, w)
		}
	}
	if j.answer.Note != "" {
		l.Message = joinMessages(r.p, l.Message, j.answer.Note)
	}
	return l
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// joinMessages joins two parts of a row's message, a part said twice
// once.
func joinMessages(p *lang.Printer, a, b string) string {
	if a == b {
		return a
	}
	return p.Join(a, b)
}
