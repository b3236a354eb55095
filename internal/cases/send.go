package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"jiceng/internal/module"
)

// Senders sends each message through the Sender of its channel
// (ChannelSMS, ChannelEmail). A channel without one fails its messages,
// which then wait in the outbox, retried with back-off, until a gateway is
// configured and the server restarted.
type Senders map[string]Sender

// Send hands m to the sender of its channel.
func (s Senders) Send(ctx context.Context, m Message) error {
	if x := s[m.Channel]; x != nil {
		return x.Send(ctx, m)
	}
	switch m.Channel {
	case ChannelSMS:
		return fmt.Errorf("no text-message gateway is configured (serve --sms-url): the message waits")
	case ChannelEmail:
		return fmt.Errorf("no mail server is configured (serve --smtp-url): the message waits")
	}
	return fmt.Errorf("no sender for the channel %q", m.Channel)
}

// String names the gateways configured, without secrets.
func (s Senders) String() string {
	var out []string
	for ch, x := range s {
		out = append(out, fmt.Sprintf("%s: %v", ch, x))
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

// NewSenders builds the senders of the gateways n names: e-mail over SMTP
// when n.SMTPURL is set, text messages over HTTP when n.SMSURL is. It
// returns nil, nil when neither is. now is the clock of the e-mails' Date
// header.
func NewSenders(n module.Notify, now func() time.Time) (Senders, error) {
	out := Senders{}
	if n.SMTPURL != "" {
		s, err := NewSMTPSender(n.SMTPURL, now)
		if err != nil {
			return nil, err
		}
		out[ChannelEmail] = s
	}
	if n.SMSURL != "" {
		s, err := NewSMSSender(n.SMSURL, n.SMSToken)
		if err != nil {
			return nil, err
		}
		out[ChannelSMS] = s
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
