package journal

import (
	"strconv"
	"strings"
	"time"

	"github.com/cardimport/cardimport/importer/platform"
	"github.com/cardimport/cardimport/validate/lang"
)

// Prior is what the journal already knew of a card when a batch claimed it.
type Prior struct {
	// Issued: an earlier run (or an earlier batch) issued the card; the row
	// is skipped and reported with the recorded ids.
	Issued bool
	// InDoubt: an earlier request may have issued the card (a crash while
	// sending, an unknown outcome); it is verified before it is resent.
	InDoubt bool
	// Exists: the platform said a card with this number and in-card code
	// already exists; it is not sent again (Message has its words).
	Exists   bool
	Message  string
	Answer   platform.Answer
	Attempts int
	Run      string // the run that wrote the entry
	// SettleAfter: an in-doubt recharge of this card may not be judged
	// absent before this time (platform.Card.SettleAfter).
	SettleAfter time.Time
	// Holder is set when the card number belongs to another holder: it was
	// issued for a row with another in-card code, phone or name. The row
	// must not take that card's ids; the journal entry is left as it is.
	Holder *Holder
}

// Holder is the row a card number was issued to, as the journal kept it.
type Holder struct {
	Status  string // issued
	When    string // local time of the entry, 2006-01-02 15:04
	Source  string
	Row     int
	Name    string
	Phone   string   // masked
	Extid   string   // the in-card code it was issued with
	Differs []string // what differs from the row at hand: in-card code, name, phone
}

// The words of Holder.String, and of what may differ (Differs).
var (
	msgHolderIssued   = lang.Msg("this card number was already issued", "这个卡号已经发过卡")
	msgHolderIssuedOn = lang.Msg("this card number was already issued on %s", "这个卡号已在 %s 发过卡")
	msgHolderFrom     = lang.Msg(" from %s row %s", "，来自 %s 第 %s 行")
	msgHolderTo       = lang.Msg(" to %s", "，发给 %s")
	msgHolderExtid    = lang.Msg(" (in-card code %s)", "（卡内编码 %s）")
	msgHolderDiffers  = lang.Msg(": another holder (%s differ)", "：是另一位持卡人（%s不同）")
	differWords       = map[string]string{
		"in-card code": lang.Msg("in-card code", "卡内编码"),
		"name":         lang.Msg("name", "姓名"),
		"phone":        lang.Msg("phone", "手机号"),
	}
)

// String words where and to whom the number went, phone masked, in p's
// language (nil: English).
func (h *Holder) String(p *lang.Printer) string {
	var b strings.Builder
	if h.When != "" {
		b.WriteString(p.Sprintf(msgHolderIssuedOn, h.When))
	} else {
		b.WriteString(p.Sprintf(msgHolderIssued))
	}
	if h.Source != "" {
		b.WriteString(p.Sprintf(msgHolderFrom, h.Source, strconv.Itoa(h.Row)))
	}
	who := h.Name
	if h.Phone != "" {
		who = strings.TrimSpace(who + " " + h.Phone)
	}
	if who != "" {
		b.WriteString(p.Sprintf(msgHolderTo, who))
	}
	if h.Extid != "" {
		b.WriteString(p.Sprintf(msgHolderExtid, h.Extid))
	}
	if len(h.Differs) > 0 {
		words := make([]string, len(h.Differs))
		for i, d := range h.Differs {
			words[i] = d
			if key, ok := differWords[d]; ok {
				words[i] = p.Sprintf(key)
			}
		}
		b.WriteString(p.Sprintf(msgHolderDiffers, strings.Join(words, p.ListSep())))
	}
	return b.String()
}

// Outcome is the final word on one card, committed after its request.
type Outcome struct {
	Card    *platform.Card
	Status  platform.Status
	Answer  platform.Answer
	Message string
	Batch   int64
}
