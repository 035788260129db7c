package validate

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/cardimport/cardimport/validate/lang"
)

// tradToSimp maps traditional characters common in card level names to
// their simplified forms, so that a roster's 高级会员 matches the platform's
// 高級會員. It is deliberately small: level names use few characters.
var tradToSimp = map[rune]rune{
	'級': '级', '會': '会', '員': '员', '貴': '贵', '賓': '宾', '鑽': '钻', '鉆': '钻',
	'銀': '银', '黃': '黄', '鉑': '铂', '寶': '宝', '長': '长', '鐵': '铁', '臺': '台',
	'與': '与', '專': '专', '銅': '铜', '錫': '锡', '紅': '红', '藍': '蓝', '綠': '绿',
	'終': '终', '標': '标', '準': '准', '榮': '荣', '譽': '誉', '積': '积', '優': '优',
	'號': '号', '體': '体', '驗': '验', '極': '极', '頂': '顶', '經': '经', '親': '亲',
	'屬': '属', '雙': '双', '單': '单', '張': '张', '點': '点', '儲': '储', '禮': '礼',
	'購': '购', '買': '买', '賣': '卖', '錢': '钱', '門': '门', '東': '东', '務': '务',
	'歲': '岁', '週': '周', '愛': '爱', '寵': '宠', '豐': '丰',
}

// FoldLevel is the form card level names are compared in: full-width
// folded to narrow, lower case, spaces and zero-width characters removed,
// and common traditional characters made simplified. "高級 會員" and
// "高级会员" fold alike, as do "ＶＩＰ" and "vip".
func FoldLevel(s string) string {
	s = foldWidth(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if isTrimmed(r) {
			continue
		}
		if t, ok := tradToSimp[r]; ok {
			r = t
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// levelIndex resolves roster level texts to the platform's level ids.
type levelIndex struct {
	byName map[string]string // FoldLevel(name) → id
	byID   map[string]string // FoldLevel(id) → id
	names  string            // the known names, for messages, in English
	listed []string          // the first maxListedLevels names
	count  int               // how many levels the platform has
}

// Messages naming the platform's levels.
var (
	msgNoLevels   = lang.Msg("the platform has no card levels", "平台上没有任何会员等级")
	msgLevelsAre  = lang.Msg("the platform's levels are %s", "平台的等级有：%s")
	msgLevelsMore = lang.Msg("the platform's levels are %s … (%s in all)", "平台的等级有：%s…（共%s个）")
)

// maxListedLevels bounds the level names a message lists.
const maxListedLevels = 10

func newLevelIndex(levels []CardLevel) *levelIndex {
	x := &levelIndex{byName: make(map[string]string), byID: make(map[string]string), count: len(levels)}
	for _, l := range levels {
		if n := FoldLevel(l.Name); n != "" {
			if _, dup := x.byName[n]; !dup {
				x.byName[n] = l.ID
			}
		}
		if id := FoldLevel(l.ID); id != "" {
			x.byID[id] = l.ID
		}
		if len(x.listed) < maxListedLevels {
			x.listed = append(x.listed, strings.TrimSpace(l.Name))
		}
	}
	x.names = x.describe().in(nil)
	return x
}

// describe words the platform's levels for a message.
func (x *levelIndex) describe() localized { return (*levelNames)(x) }

// levelNames is a levelIndex said in a message.
type levelNames levelIndex

func (x *levelNames) in(p *lang.Printer) string {
	names := strings.Join(x.listed, p.ListSep())
	switch {
	case x.count == 0:
		return p.Sprintf(msgNoLevels)
	case x.count > maxListedLevels:
		return p.Sprintf(msgLevelsMore, names, strconv.Itoa(x.count))
	}
	return p.Sprintf(msgLevelsAre, names)
}

// lookup finds the id of a level named by its name or its id; a name wins.
func (x *levelIndex) lookup(s string) (string, bool) {
	k := FoldLevel(s)
	if id, ok := x.byName[k]; ok {
		return id, true
	}
	id, ok := x.byID[k]
	return id, ok
}
