from django import forms

from accounts.models import personal_time_zone_choices

from .kinds import EVENT, KINDS, REMINDER, Delivery


class PreferencesForm(forms.Form):
    """One radio group per kind of notice, and the person's time zone."""

    def __init__(self, *args, initial_choices: dict[str, str], time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        for key, kind in KINDS.items():
            choices = list(Delivery.choices)
            hint = kind.hint
            if kind.mandatory:
                choices = [c for c in choices if c[0] != Delivery.OFF]
                hint = f"{hint} You cannot switch this off: {kind.mandatory_reason}"
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                widget=forms.RadioSelect,
                initial=initial_choices.get(key, kind.default),
                help_text=hint,
                error_messages={
                    "required": f"Choose how you want “{kind.label}” notices.",
                    "invalid_choice": (
                        f"“{kind.label}” cannot be switched off: {kind.mandatory_reason}"
                        if kind.mandatory
                        else f"Choose how you want “{kind.label}” notices."
                    ),
                },
            )
        self.fields["time_zone"] = forms.ChoiceField(
            label="Your time zone",
            required=False,
            initial=time_zone,
            help_text="Your daily digest arrives at 8am by this clock, on your working days. "
            "Leave blank to use your institute's time zone.",
            choices=personal_time_zone_choices(time_zone),
        )

    def reminder_fields(self):
        return [self[k] for k, kind in KINDS.items() if kind.group == REMINDER]

    def event_fields(self):
        return [self[k] for k, kind in KINDS.items() if kind.group == EVENT]

    def service_kwargs(self) -> dict:
        return {
            "choices": {key: self.cleaned_data[key] for key in KINDS},
            "time_zone": self.cleaned_data["time_zone"],
        }
