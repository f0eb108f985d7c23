from __future__ import annotations

from typing import Any

from django import forms

from roles.importing.reading import MAX_DOCUMENT_BYTES


class BlueprintUploadForm(forms.Form):
    document = forms.FileField(
        label="Rubric document",
        help_text="Plain text, Markdown (front matter welcome), HTML or a blog JSON export; UTF-8; at most 1 MB.",
        allow_empty_file=False,
    )

    def clean_document(self) -> Any:
        document = self.cleaned_data["document"]
        if document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                f"{document.name}: is {document.size / 1_000_000:.1f} MB; "
                f"a rubric document may be at most {MAX_DOCUMENT_BYTES // 1_000_000} MB"
            )
        return document


class PublishForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    target = forms.CharField(required=False, widget=forms.HiddenInput)
    retitle = forms.BooleanField(required=False, label="Publish anyway as a retitle of this role")
