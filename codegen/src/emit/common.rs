//! Token helpers shared by the emitters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::plan::{Binding, Field, RustType, Sparsity, TimestampFormat};

/// An identifier, raw (`r#type`) when the name says so.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` attributes, one per Markdown line.
pub fn doc_attrs(lines: &[String]) -> TokenStream {
    let docs = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #docs] )* }
}

/// Docs, or a fallback sentence when the model has none.
pub fn docs_or(lines: &[String], fallback: &str) -> TokenStream {
    if lines.is_empty() {
        doc_attrs(&[fallback.to_string()])
    } else {
        doc_attrs(lines)
    }
}

/// `#[deprecated(note = ...)]` when deprecated.
pub fn deprecated_attr(note: &Option<String>) -> TokenStream {
    match note {
        Some(n) => quote! { #[deprecated(note = #n)] },
        None => quote! {},
    }
}

/// The Rust type of a value.
pub fn ty(t: &RustType) -> TokenStream {
    match t {
        RustType::String => quote! { String },
        RustType::Bool => quote! { bool },
        RustType::I8 => quote! { i8 },
        RustType::I16 => quote! { i16 },
        RustType::I32 => quote! { i32 },
        RustType::I64 => quote! { i64 },
        RustType::F32 => quote! { f32 },
        RustType::F64 => quote! { f64 },
        RustType::I128 => quote! { i128 },
        RustType::Blob => quote! { crate::primitives::Blob },
        RustType::DateTime => quote! { crate::primitives::DateTime },
        RustType::Document => quote! { crate::primitives::Document },
        RustType::List(item, sparse) => {
            let item = ty(item);
            if let Sparsity::Sparse = sparse {
                quote! { Vec<Option<#item>> }
            } else {
                quote! { Vec<#item> }
            }
        }
        RustType::Map(value, sparse) => {
            let value = ty(value);
            if let Sparsity::Sparse = sparse {
                quote! { std::collections::HashMap<String, Option<#value>> }
            } else {
                quote! { std::collections::HashMap<String, #value> }
            }
        }
        RustType::Named(name) => {
            let name = ident(name);
            quote! { crate::types::#name }
        }
    }
}

/// The type of a field as stored in a struct or builder: `Option<T>`, `Option<Box<T>>` or `T`.
pub fn field_ty(f: &Field) -> TokenStream {
    let inner = ty(&f.ty);
    let inner = if f.boxed {
        quote! { Box<#inner> }
    } else {
        inner
    };
    if f.optional {
        quote! { Option<#inner> }
    } else {
        inner
    }
}

/// Serde attributes for a struct field: wire name, absence, and non-default wire formats.
pub fn serde_field_attrs(f: &Field) -> TokenStream {
    let Binding::JsonBody {
        wire_name: wire,
        timestamp_format,
    } = &f.binding;
    let fmt = |m: &str| format!("::aws_client_runtime::serde_fmt::{m}");
    // Timestamps in text, alone or as the items of a list or map: the helpers cover both.
    let text_format = match timestamp_format {
        Some(TimestampFormat::DateTime) => Some("date_time"),
        Some(TimestampFormat::HttpDate) => Some("http_date"),
        Some(TimestampFormat::EpochSeconds) | None => None,
    };
    if f.optional {
        let with = match (&f.ty, text_format) {
            (_, Some(m)) => Some(("with", fmt(m))),
            (RustType::F32 | RustType::F64, _) => Some(("with", fmt("float_opt"))),
            (RustType::List(_, Sparsity::Dense), _) => {
                Some(("deserialize_with", fmt("dense_list")))
            }
            (RustType::Map(_, Sparsity::Dense), _) => Some(("deserialize_with", fmt("dense_map"))),
            _ => None,
        };
        match with {
            Some(("with", path)) => {
                quote! { #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none", with = #path)] }
            }
            Some((_, path)) => {
                quote! { #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none", deserialize_with = #path)] }
            }
            None => {
                quote! { #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")] }
            }
        }
    } else if let Some(m) = text_format {
        // A list or map with a modelled (empty) default: the helper reads `null` as empty.
        let path = fmt(m);
        quote! { #[serde(rename = #wire, default, with = #path)] }
    } else if f.ty.is_float() {
        let path = fmt("float");
        quote! { #[serde(rename = #wire, default, with = #path)] }
    } else {
        let path = fmt("null_as_default");
        quote! { #[serde(rename = #wire, default, deserialize_with = #path)] }
    }
}

/// Text shown in place of sensitive values.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";
