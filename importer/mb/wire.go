package mb

import (
	"encoding/json"

	"github.com/cardimport/cardimport/importer/platform"
)

// Action names of the 果盘 API.
const (
	ActionNewCard = "mb_newcard"
	ActionCheck   = "mb_check"
)

// TimestampLayout is get.timestamp: local time yyyyMMddHHmmss.
const TimestampLayout = "20060102150405"

// Request is the JSON document POSTed to the endpoint.
type Request struct {
	Action Action            `json:"action"`
	Get    map[string]string `json:"get"`
	Post   *Post             `json:"post,omitempty"`
}

// Action names the API action.
type Action struct {
	Action string `json:"action"`
}

// Post is the post group of mb_newcard.
type Post struct {
	List []Item `json:"list"`
}

// Item is one card of mb_newcard's post.list. Optional fields are omitted
// when empty; numbers are json.Number so their exact decimal text is sent.
type Item struct {
	Cardno     string      `json:"cardno"`
	Password   string      `json:"password"`
	Extid      string      `json:"extid"`
	Name       string      `json:"name"`
	Phone      string      `json:"phone"`
	Sex        json.Number `json:"sex"`
	Birthday   string      `json:"birthday,omitempty"`
	Level      json.Number `json:"level,omitempty"`
	Balance    json.Number `json:"balance,omitempty"`
	Points     json.Number `json:"points,omitempty"`
	Subject    string      `json:"subject,omitempty"`
	ExtInfo    string      `json:"ext_info,omitempty"`
	Expirydate string      `json:"expirydate,omitempty"`
	IDNumber   string      `json:"idnumber,omitempty"`
}

// Response is the platform's answer to every action. Decoding is lenient:
// status, type, msid and the items' id and balance come as string or number.
type Response struct {
	Status platform.Flex `json:"status"`
	Info   string        `json:"info"`
	Type   platform.Flex `json:"type,omitempty"`
	List   []RespItem    `json:"list,omitempty"`
	Msid   platform.Flex `json:"msid,omitempty"`

	ServerTimestamp platform.Flex `json:"server_timestamp,omitempty"`
	ServerTime      string        `json:"server_time,omitempty"`
}

// OK reports whether status is 1.
func (r *Response) OK() bool { return r.Status == "1" }

// RespItem is one card of an answer's list. Older servers spell cardno as
// carno; CardNo returns whichever came.
type RespItem struct {
	ID      platform.Flex `json:"id"`
	Cardno  platform.Flex `json:"cardno,omitempty"`
	Carno   platform.Flex `json:"carno,omitempty"`
	Mbno    platform.Flex `json:"mbno,omitempty"`
	Pwd     platform.Flex `json:"pwd,omitempty"`
	Extid   platform.Flex `json:"extid,omitempty"`
	Balance platform.Flex `json:"balance,omitempty"`
	// mb_check also names the holder (SPEC §5); mb_newcard does not.
	Name  platform.Flex `json:"name,omitempty"`
	Phone platform.Flex `json:"phone,omitempty"`
}

// CardNo returns cardno, or carno from older servers.
func (it *RespItem) CardNo() string {
	if it.Cardno != "" {
		return string(it.Cardno)
	}
	return string(it.Carno)
}
